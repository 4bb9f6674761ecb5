package vtc.server;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import vtc.engine.llava.Conversation;
import vtc.engine.llava.GenerationOptions;
import vtc.engine.llava.InvalidRequestException;
import vtc.pruning.KeepBudget;
import vtc.pruning.PruningParameterException;

/**
 * A {@code POST /v1/chat/completions} body, read and checked field by field; every problem is an
 * {@link ApiError} naming the field. Unknown fields are ignored, as clients send many.
 *
 * @param image       the one image's bytes (PNG or JPEG), or null for a text-only chat
 * @param imageParam  where the image was, for error messages ({@code messages[0].content[1]})
 * @param maxTokensParam the field the token limit came from ({@code max_completion_tokens} or {@code max_tokens})
 * @param pruningMethod the {@code vtc} field's method, or null for the server's (so are its options)
 */
record ChatCompletionRequest(String model, Conversation conversation, byte[] image, String imageParam,
                             GenerationOptions options, String maxTokensParam, List<String> stop, boolean stream, boolean includeUsage,
                             String pruningMethod, Integer pruningLayers, KeepBudget pruningKeep) {

    static final int DEFAULT_MAX_TOKENS = 256;
    /** OpenAI's default: sampling at temperature 1 unless the client asks for less, with a fresh seed unless given. */
    static final double DEFAULT_TEMPERATURE = 1.0;

    static ChatCompletionRequest parse(String body) {
        JsonObject root;
        try {
            JsonElement parsed = JsonParser.parseString(body);
            if (!parsed.isJsonObject()) {
                throw new ApiError(400, "invalid_request_error", null, null,
                        "the request body must be a JSON object");
            }
            root = parsed.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new ApiError(400, "invalid_request_error", null, null,
                    "the request body is not valid JSON: " + rootCause(e));
        }
        String model = string(root, "model");
        Messages messages = messages(root);
        Integer maxTokens = integer(root, "max_completion_tokens");
        String maxParam = "max_completion_tokens";
        if (maxTokens == null) {
            maxTokens = integer(root, "max_tokens");
            maxParam = "max_tokens";
        }
        if (maxTokens != null && maxTokens < 0) {
            throw ApiError.badField(maxParam, "must be >= 0, got " + maxTokens);
        }
        Double temperature = number(root, "temperature");
        if (temperature != null && !(temperature >= 0 && temperature <= 2)) {
            throw ApiError.badField("temperature", "must be in [0, 2], got " + temperature);
        }
        Double topP = number(root, "top_p");
        if (topP != null && !(topP > 0 && topP <= 1)) {
            throw ApiError.badField("top_p", "must be in (0, 1], got " + topP);
        }
        Long seed = wholeNumber(root, "seed");
        Integer n = integer(root, "n");
        if (n != null && n != 1) {
            throw ApiError.badField("n", "only one choice per request is supported, got " + n);
        }
        List<String> stop = stop(root);
        Boolean stream = bool(root, "stream");
        boolean includeUsage = false;
        JsonObject streamOptions = object(root, "stream_options");
        if (streamOptions != null) {
            Boolean usage = bool(streamOptions, "include_usage", "stream_options.include_usage");
            includeUsage = usage != null && usage;
        }
        GenerationOptions options = new GenerationOptions(maxTokens == null ? DEFAULT_MAX_TOKENS : maxTokens,
                temperature == null ? DEFAULT_TEMPERATURE : temperature, topP == null ? 1 : topP,
                seed == null ? ThreadLocalRandom.current().nextLong() : seed, true);

        String method = null;
        Integer layers = null;
        KeepBudget keep = null;
        JsonObject vtc = object(root, "vtc");
        if (vtc != null) {
            method = string(vtc, "method", "vtc.method");
            layers = integer(vtc, "layers", "vtc.layers");
            keep = keepBudget(vtc);
        }
        return new ChatCompletionRequest(model, messages.conversation, messages.image, messages.imageParam, options,
                maxParam, stop, stream != null && stream, includeUsage, method, layers, keep);
    }

    private record Messages(Conversation conversation, byte[] image, String imageParam) {
    }

    private static Messages messages(JsonObject root) {
        JsonElement element = root.get("messages");
        if (element == null || element.isJsonNull()) {
            throw ApiError.badField("messages", "is required");
        }
        if (!element.isJsonArray()) {
            throw ApiError.badField("messages", "must be an array of messages");
        }
        JsonArray array = element.getAsJsonArray();
        if (array.isEmpty()) {
            throw ApiError.badField("messages", "must hold at least one message");
        }
        List<Conversation.Message> out = new ArrayList<>();
        byte[] image = null;
        String imageParam = null;
        for (int i = 0; i < array.size(); i++) {
            String at = "messages[" + i + "]";
            if (!array.get(i).isJsonObject()) {
                throw ApiError.badField(at, "must be an object with a role and a content");
            }
            JsonObject message = array.get(i).getAsJsonObject();
            Conversation.Role role = role(string(message, "role", at + ".role"), at + ".role");
            JsonElement content = message.get("content");
            StringBuilder text = new StringBuilder();
            boolean hasImage = false;
            if (content == null || content.isJsonNull()) {
                throw ApiError.badField(at + ".content", "is required");
            } else if (content.isJsonPrimitive() && content.getAsJsonPrimitive().isString()) {
                text.append(content.getAsString());
            } else if (content.isJsonArray()) {
                JsonArray parts = content.getAsJsonArray();
                for (int j = 0; j < parts.size(); j++) {
                    String partAt = at + ".content[" + j + "]";
                    if (!parts.get(j).isJsonObject()) {
                        throw ApiError.badField(partAt, "must be an object with a type");
                    }
                    JsonObject part = parts.get(j).getAsJsonObject();
                    String type = string(part, "type", partAt + ".type");
                    if ("text".equals(type)) {
                        String t = string(part, "text", partAt + ".text");
                        if (t == null) {
                            throw ApiError.badField(partAt + ".text", "is required");
                        }
                        if (!text.isEmpty()) {
                            text.append(' ');
                        }
                        text.append(t);
                    } else if ("image_url".equals(type)) {
                        if (role != Conversation.Role.USER) {
                            throw ApiError.badField(partAt, "only a user message can hold an image");
                        }
                        if (image != null) {
                            throw ApiError.badField(partAt, "a conversation holds at most one image (the first is "
                                    + imageParam + ")");
                        }
                        image = imageBytes(part, partAt);
                        imageParam = partAt;
                        hasImage = true;
                    } else {
                        throw ApiError.badField(partAt + ".type", "must be \"text\" or \"image_url\", got "
                                + (type == null ? "nothing" : "\"" + type + "\""));
                    }
                }
            } else {
                throw ApiError.badField(at + ".content", "must be a string or an array of parts");
            }
            try {
                out.add(new Conversation.Message(role, text.toString(), hasImage));
            } catch (InvalidRequestException e) {
                throw ApiError.badField(at, e.getMessage());
            }
        }
        try {
            return new Messages(new Conversation(out), image, imageParam);
        } catch (InvalidRequestException e) {
            throw new ApiError(400, "invalid_request_error", "messages", null, e.getMessage());
        }
    }

    private static Conversation.Role role(String role, String param) {
        if (role == null) {
            throw ApiError.badField(param, "is required");
        }
        return switch (role) {
            case "system", "developer" -> Conversation.Role.SYSTEM;
            case "user" -> Conversation.Role.USER;
            case "assistant" -> Conversation.Role.ASSISTANT;
            default -> throw ApiError.badField(param, "must be system, user or assistant, got \"" + role + "\"");
        };
    }

    /** The bytes of a {@code data:image/png|jpeg;base64,} URL; the server never fetches anything. */
    private static byte[] imageBytes(JsonObject part, String at) {
        JsonElement imageUrl = part.get("image_url");
        String url;
        if (imageUrl != null && imageUrl.isJsonObject()) {
            url = string(imageUrl.getAsJsonObject(), "url", at + ".image_url.url");
        } else if (imageUrl != null && imageUrl.isJsonPrimitive() && imageUrl.getAsJsonPrimitive().isString()) {
            url = imageUrl.getAsString();
        } else {
            throw ApiError.badField(at + ".image_url", "must be an object with a url");
        }
        String param = at + ".image_url.url";
        if (url == null) {
            throw ApiError.badField(param, "is required");
        }
        int comma = url.indexOf(',');
        String header = comma < 0 ? url : url.substring(0, comma).toLowerCase(Locale.ROOT);
        if (!header.equals("data:image/png;base64") && !header.equals("data:image/jpeg;base64")
                && !header.equals("data:image/jpg;base64")) {
            throw ApiError.badField(param, "must be a data:image/png;base64,… or data:image/jpeg;base64,… URL "
                    + "(the server fetches no URLs or files)");
        }
        try {
            byte[] bytes = Base64.getMimeDecoder().decode(url.substring(comma + 1));
            if (bytes.length == 0) {
                throw ApiError.badField(param, "the image data is empty");
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            throw ApiError.badField(param, "the image data is not valid base64: " + e.getMessage());
        }
    }

    private static List<String> stop(JsonObject root) {
        JsonElement e = root.get("stop");
        if (e == null || e.isJsonNull()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            out.add(e.getAsString());
        } else if (e.isJsonArray()) {
            for (JsonElement s : e.getAsJsonArray()) {
                if (!s.isJsonPrimitive() || !s.getAsJsonPrimitive().isString()) {
                    throw ApiError.badField("stop", "must be a string or an array of strings");
                }
                out.add(s.getAsString());
            }
        } else {
            throw ApiError.badField("stop", "must be a string or an array of strings");
        }
        if (out.size() > 4) {
            throw ApiError.badField("stop", "at most 4 stop strings, got " + out.size());
        }
        if (out.stream().anyMatch(String::isEmpty)) {
            throw ApiError.badField("stop", "stop strings must not be empty");
        }
        return out;
    }

    // Typed field readers: absent or null gives null, a value of the wrong type is a 400 naming the field.

    private static String string(JsonObject o, String name) {
        return string(o, name, name);
    }

    private static String string(JsonObject o, String name, String param) {
        JsonElement e = o.get(name);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw ApiError.badField(param, "must be a string");
        }
        return e.getAsString();
    }

    /** {@code vtc.keep}: a whole number is a count ({@code 64}), any other number a fraction ({@code 0.25}). */
    private static KeepBudget keepBudget(JsonObject vtc) {
        JsonElement e = vtc.get("keep");
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw ApiError.badField("vtc.keep", "must be a number: a count (64) or a fraction (0.25)");
        }
        try {
            BigDecimal value = e.getAsBigDecimal();
            if (value.stripTrailingZeros().scale() <= 0 && !e.getAsString().contains(".")) {
                return KeepBudget.count(value.intValueExact());
            }
            return KeepBudget.fraction(value.doubleValue());
        } catch (ArithmeticException ex) {
            throw ApiError.badField("vtc.keep", "is out of range: " + e.getAsString());
        } catch (PruningParameterException ex) {
            throw ApiError.badField("vtc.keep", ex.getMessage().replaceFirst("^keep: ", ""));
        }
    }

    private static Double number(JsonObject o, String name) {
        JsonElement e = o.get(name);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw ApiError.badField(name, "must be a number");
        }
        return e.getAsDouble();
    }

    private static Long wholeNumber(JsonObject o, String name) {
        return wholeNumber(o, name, name);
    }

    private static Long wholeNumber(JsonObject o, String name, String param) {
        JsonElement e = o.get(name);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        JsonPrimitive p = e.isJsonPrimitive() ? e.getAsJsonPrimitive() : null;
        if (p == null || !p.isNumber()) {
            throw ApiError.badField(param, "must be an integer");
        }
        try {
            return p.getAsBigDecimal().longValueExact();
        } catch (ArithmeticException ex) {
            throw ApiError.badField(param, "must be an integer, got " + p.getAsString());
        }
    }

    private static Integer integer(JsonObject o, String name) {
        return integer(o, name, name);
    }

    private static Integer integer(JsonObject o, String name, String param) {
        Long v = wholeNumber(o, name, param);
        if (v == null) {
            return null;
        }
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw ApiError.badField(param, "is out of range: " + v);
        }
        return v.intValue();
    }

    private static Boolean bool(JsonObject o, String name) {
        return bool(o, name, name);
    }

    private static Boolean bool(JsonObject o, String name, String param) {
        JsonElement e = o.get(name);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw ApiError.badField(param, "must be true or false");
        }
        return e.getAsBoolean();
    }

    private static JsonObject object(JsonObject o, String name) {
        JsonElement e = o.get(name);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonObject()) {
            throw ApiError.badField(name, "must be an object");
        }
        return e.getAsJsonObject();
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
