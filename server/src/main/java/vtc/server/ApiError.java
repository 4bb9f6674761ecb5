package vtc.server;

import com.google.gson.JsonObject;

/**
 * A request the server answers with an error, in OpenAI's error object:
 * {@code {"error": {"message", "type", "param", "code"}}}. The message names the request field.
 */
final class ApiError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;
    private final String param;
    private final String code;

    ApiError(int status, String type, String param, String code, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** 400: a field is missing, of the wrong type or out of range. */
    static ApiError badField(String param, String message) {
        return new ApiError(400, "invalid_request_error", param, null, param + ": " + message);
    }

    int status() {
        return status;
    }

    JsonObject toJson() {
        JsonObject error = new JsonObject();
        error.addProperty("message", getMessage());
        error.addProperty("type", type);
        error.addProperty("param", param);
        error.addProperty("code", code);
        JsonObject body = new JsonObject();
        body.add("error", error);
        return body;
    }
}
