package vtc.server;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import vtc.api.Llava;

/**
 * {@code vtc serve}: an OpenAI-compatible HTTP API over one loaded {@link Llava}, on the JDK's HTTP
 * server with one virtual thread per exchange; the generations themselves run in
 * {@link GenerationSlots}.
 *
 * <pre>
 * POST /v1/chat/completions   chat (JSON or server-sent events)
 * GET  /v1/models             the one model
 * GET  /health                200 "ok" (no key needed)
 * GET  /metrics               Prometheus text
 * </pre>
 *
 * The server does not own the model: {@link #close()} stops serving, the caller closes the model.
 */
public final class ChatServer implements AutoCloseable {

    private final HttpServer http;
    private final ExecutorService exchanges;
    private final ServerSettings settings;
    private final ServerMetrics metrics;
    private final GenerationSlots slots;
    private final ChatCompletions completions;
    private final long created = System.currentTimeMillis() / 1000;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ChatServer(Llava llava, ServerSettings settings) throws IOException {
        this.settings = settings;
        this.slots = new GenerationSlots(settings.parallel(), settings.queue());
        this.metrics = new ServerMetrics(slots::waiting);
        this.completions = new ChatCompletions(llava, settings, slots, metrics);
        this.http = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 128);
        this.exchanges = Executors.newVirtualThreadPerTaskExecutor();
        http.setExecutor(exchanges);
        http.createContext("/", this::route);
    }

    /** Binds and starts answering; the port is {@link #port()} (a free one if the settings say 0). */
    public static ChatServer start(Llava llava, ServerSettings settings) throws IOException {
        ChatServer server = new ChatServer(llava, settings);
        server.http.start();
        return server;
    }

    /** What {@code /metrics} reports (for tests in this package). */
    ServerMetrics metrics() {
        return metrics;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /** The base URL of the OpenAI API ({@code http://host:port/v1}). */
    public URI baseUri() {
        return URI.create("http://" + settings.host() + ":" + port() + "/v1");
    }

    private void route(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            try {
                if (path.equals("/health")) {
                    requireMethod(method, "GET");
                    send(exchange, 200, "text/plain; charset=utf-8", "ok\n");
                    return;
                }
                authorize(exchange);
                switch (path) {
                    case "/v1/chat/completions", "/chat/completions" -> {
                        requireMethod(method, "POST");
                        completions.handle(exchange, readBody(exchange));
                    }
                    case "/v1/models", "/models" -> {
                        requireMethod(method, "GET");
                        sendJson(exchange, 200, models());
                    }
                    case "/metrics" -> {
                        requireMethod(method, "GET");
                        send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.text());
                    }
                    default -> throw new ApiError(404, "invalid_request_error", null, "unknown_url",
                            "no endpoint " + method + " " + path + " (see GET /v1/models, POST /v1/chat/completions)");
                }
            } catch (ApiError e) {
                if (e.status() >= 400 && e.status() < 500) {
                    metrics.count(ServerMetrics.Outcome.BAD_REQUEST);
                }
                sendJson(exchange, e.status(), e.toJson());
            } catch (RuntimeException e) {
                // A fault of the server, not of the request: the client gets a 500 with what went
                // wrong (if no answer has started), the server goes on.
                metrics.count(ServerMetrics.Outcome.ERROR);
                if (exchange.getResponseCode() == -1) {
                    sendJson(exchange, 500, new ApiError(500, "server_error", null, "internal_error",
                            "internal error: " + e).toJson());
                }
            }
        }
    }

    private JsonObject models() {
        JsonObject model = new JsonObject();
        model.addProperty("id", settings.modelId());
        model.addProperty("object", "model");
        model.addProperty("created", created);
        model.addProperty("owned_by", "vtc");
        JsonArray data = new JsonArray();
        data.add(model);
        JsonObject list = new JsonObject();
        list.addProperty("object", "list");
        list.add("data", data);
        return list;
    }

    private static void requireMethod(String method, String allowed) {
        if (!method.equals(allowed)) {
            throw new ApiError(405, "invalid_request_error", null, "method_not_allowed",
                    "use " + allowed + " here, not " + method);
        }
    }

    private void authorize(HttpExchange exchange) {
        if (settings.apiKey() == null) {
            return;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        byte[] expected = ("Bearer " + settings.apiKey()).getBytes(StandardCharsets.UTF_8);
        byte[] given = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, given)) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            throw new ApiError(401, "invalid_request_error", null, "invalid_api_key",
                    header == null ? "missing Authorization: Bearer header" : "incorrect API key");
        }
    }

    /** The request body, refused with 413 beyond the limit before it is all read. */
    private byte[] readBody(HttpExchange exchange) throws IOException {
        long limit = settings.maxBodyBytes();
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.strip()) > limit) {
                    throw tooLarge(limit);
                }
            } catch (NumberFormatException e) {
                throw new ApiError(400, "invalid_request_error", null, null, "invalid Content-Length " + length);
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buffer = new byte[16384];
        try (InputStream in = exchange.getRequestBody()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (body.size() + n > limit) {
                    throw tooLarge(limit);
                }
                body.write(buffer, 0, n);
            }
        }
        return body.toByteArray();
    }

    private static ApiError tooLarge(long limit) {
        return new ApiError(413, "invalid_request_error", null, "request_too_large",
                "the request body is larger than the server's limit of " + limit + " bytes");
    }

    static void sendJson(HttpExchange exchange, int status, JsonObject body) throws IOException {
        send(exchange, status, "application/json", body.toString());
    }

    static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops accepting, lets running exchanges finish for up to a second, and stops. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            http.stop(1);
            slots.close();
            exchanges.shutdownNow();
        }
    }
}
