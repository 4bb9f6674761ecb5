package vtc.server;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import vtc.engine.llava.InvalidRequestException;
import vtc.engine.stop.GenerationStoppedException;
import vtc.engine.stop.StopReason;
import vtc.loaders.Llava;
import vtc.loaders.LoadException;
import vtc.pruning.PruningMethod;
import vtc.pruning.PruningOptionException;

/**
 * {@code POST /v1/chat/completions}: check the request, wait for a generation slot, generate, and
 * answer with one JSON object or with server-sent events (one chunk per piece of text, then the
 * finish reason, optionally the usage, then {@code data: [DONE]}).
 *
 * <p>A streaming client that goes away is noticed at the next write, which fails: the handler
 * interrupts its own thread, the library stops at its next stop point (before the next token),
 * and the slot is free for the next request. A non-streaming client's departure is only noticed
 * when the answer is written.
 */
final class ChatCompletions {

    private final Llava llava;
    private final ServerSettings settings;
    private final GenerationSlots slots;
    private final ServerMetrics metrics;

    ChatCompletions(Llava llava, ServerSettings settings, GenerationSlots slots, ServerMetrics metrics) {
        this.llava = llava;
        this.settings = settings;
        this.slots = slots;
        this.metrics = metrics;
    }

    void handle(HttpExchange exchange, byte[] body) throws IOException {
        long arrival = System.nanoTime();
        ChatCompletionRequest request = ChatCompletionRequest.parse(new String(body, StandardCharsets.UTF_8));
        if (request.model() != null && !request.model().equals(settings.modelId())) {
            throw new ApiError(404, "invalid_request_error", "model", "model_not_found",
                    "model: the model \"" + request.model() + "\" does not exist; this server serves \""
                            + settings.modelId() + "\"");
        }
        PruningChoice choice = settings.pruning().overriddenBy(request.pruningMethod(), request.pruningLayers(),
                request.pruningKeep());
        PruningMethod.Plan plan = plan(choice, request.options().seed());
        Path imageFile = null;
        try {
            if (request.image() != null) {
                imageFile = Files.createTempFile("vtc-request-", ".image");
                Files.write(imageFile, request.image());
            }
            Llava.Request generation = Llava.Request.of(request.conversation())
                    .withImage(imageFile)
                    .withTemplate(settings.template())
                    .withVisualSelector(request.image() == null ? null : plan.visual())
                    .withDecoderSelector(request.image() == null ? null : plan.decoderOrNull())
                    .withOptions(request.options())
                    .withStop(request.stop())
                    .withTimeout(settings.timeout());
            Path image = imageFile;
            Future<?> running = slots.submit(() -> {
                metrics.inFlight.incrementAndGet();
                try {
                    run(exchange, request, generation, choice, image, arrival);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } finally {
                    metrics.inFlight.decrementAndGet();
                }
            });
            if (running == null) {
                metrics.count(ServerMetrics.Outcome.REJECTED);
                exchange.getResponseHeaders().set("Retry-After", "1");
                ChatServer.sendJson(exchange, 503, new ApiError(503, "server_error", null, "queue_full",
                        "the server is busy: " + settings.parallel() + " requests are generating and "
                                + settings.queue() + " are waiting; retry later").toJson());
                return;
            }
            awaitGeneration(running);
        } finally {
            if (imageFile != null) {
                Files.deleteIfExists(imageFile);
            }
        }
    }

    /** Waits for the generation thread; its errors become this exchange's errors. */
    private static void awaitGeneration(Future<?> running) throws IOException {
        try {
            running.get();
        } catch (InterruptedException e) {
            running.cancel(true);
            Thread.currentThread().interrupt();
            throw new ApiError(503, "server_error", null, "shutting_down", "the server is shutting down");
        } catch (CancellationException e) {
            throw new ApiError(503, "server_error", null, "shutting_down", "the server is shutting down");
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case ApiError error -> throw error;
                case UncheckedIOException io -> throw io.getCause();
                case RuntimeException other -> throw other;
                case Error error -> throw error;
                default -> throw new IllegalStateException(e.getCause());
            }
        }
    }

    private PruningMethod.Plan plan(PruningChoice choice, long seed) {
        PruningMethod.Plan plan;
        try {
            plan = choice.plan(seed);
        } catch (PruningOptionException e) {
            String param = "vtc." + e.option().replaceFirst("^--", "");
            throw ApiError.badField(param, e.getMessage().replaceFirst("^" + e.option() + ": ", ""));
        }
        int decoderLayers = llava.config().text().numHiddenLayers();
        plan.decoder().ifPresent(fastv -> {
            if (fastv.layer() < 1 || fastv.layer() >= decoderLayers) {
                throw ApiError.badField("vtc.layers", "FastV's K must be in [1, " + (decoderLayers - 1) + "], got "
                        + fastv.layer());
            }
        });
        return plan;
    }

    private void run(HttpExchange exchange, ChatCompletionRequest request, Llava.Request generation,
                     PruningChoice choice, Path imageFile, long arrival) throws IOException {
        String id = "chatcmpl-" + UUID.randomUUID();
        long created = System.currentTimeMillis() / 1000;
        EventStream events = request.stream() ? new EventStream(exchange, id, created, settings.modelId()) : null;
        long[] firstText = {0};
        Llava.Result result;
        try {
            result = llava.generate(generation, text -> {
                if (firstText[0] == 0) {
                    firstText[0] = System.nanoTime();
                }
                if (events != null) {
                    events.content(text);
                }
            });
        } catch (InvalidRequestException e) {
            throw new ApiError(400, "invalid_request_error", paramOf(e.getMessage()), null, e.getMessage());
        } catch (LoadException e) {
            String message = e.getMessage().replace(String.valueOf(imageFile), request.imageParam());
            throw ApiError.badField(request.imageParam() + ".image_url.url", message
                    .replaceFirst("^" + java.util.regex.Pattern.quote(request.imageParam()) + ":? ?", ""));
        } catch (GenerationStoppedException e) {
            if (events != null && events.gone()) {
                Thread.interrupted(); // our own interrupt, raised when the write failed
                metrics.count(ServerMetrics.Outcome.DISCONNECTED);
                metrics.abandonedTokens.add(e.generatedIds().length);
                return;
            }
            if (e.reason() == StopReason.INTERRUPTED) {
                metrics.count(ServerMetrics.Outcome.ERROR);
                return;
            }
            metrics.count(ServerMetrics.Outcome.TIMEOUT);
            ApiError timeout = new ApiError(504, "server_error", null, "timeout", "the request ran longer than the "
                    + "server's limit of " + settings.timeout().toMillis() / 1000.0 + " s and was stopped");
            if (events != null && events.started()) {
                events.error(timeout);
            } else {
                ChatServer.sendJson(exchange, 504, timeout.toJson());
            }
            return;
        }
        Llava.StageTimings t = result.timings();
        int generated = result.generatedIds().length;
        int promptTokens = result.inputIds().length - (request.image() == null ? 0 : 1) + result.keptIndices().length;
        metrics.tokens(promptTokens, generated);
        metrics.timeToFirstToken.observe(((firstText[0] == 0 ? System.nanoTime() : firstText[0]) - arrival) / 1e9);
        if (generated > 1) {
            metrics.tokenLatency.observe(t.decodeMs() / 1e3 / (generated - 1));
        }
        String finish = result.finishReason() == Llava.FinishReason.STOP ? "stop" : "length";
        JsonObject usage = usage(promptTokens, generated);
        JsonObject vtc = report(choice, request, result);
        try {
            if (events != null) {
                events.finish(finish, request.includeUsage() ? usage : null, vtc);
                if (events.gone()) {
                    Thread.interrupted();
                    metrics.count(ServerMetrics.Outcome.DISCONNECTED);
                    return;
                }
            } else {
                JsonObject message = new JsonObject();
                message.addProperty("role", "assistant");
                message.addProperty("content", result.text());
                JsonObject choiceJson = new JsonObject();
                choiceJson.addProperty("index", 0);
                choiceJson.add("message", message);
                choiceJson.addProperty("finish_reason", finish);
                JsonArray choices = new JsonArray();
                choices.add(choiceJson);
                JsonObject body = new JsonObject();
                body.addProperty("id", id);
                body.addProperty("object", "chat.completion");
                body.addProperty("created", created);
                body.addProperty("model", settings.modelId());
                body.add("choices", choices);
                body.add("usage", usage);
                body.add("vtc", vtc);
                ChatServer.sendJson(exchange, 200, body);
            }
            metrics.count(ServerMetrics.Outcome.OK);
        } catch (IOException e) {
            metrics.count(ServerMetrics.Outcome.DISCONNECTED);
        }
    }

    /** Which request field an engine refusal is about. */
    private static String paramOf(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("new tokens") ? "max_tokens" : "messages";
    }

    private static JsonObject usage(int prompt, int completion) {
        JsonObject usage = new JsonObject();
        usage.addProperty("prompt_tokens", prompt);
        usage.addProperty("completion_tokens", completion);
        usage.addProperty("total_tokens", prompt + completion);
        return usage;
    }

    /** The {@code vtc} extension of the answer: the pruning applied and where the time went. */
    private static JsonObject report(PruningChoice choice, ChatCompletionRequest request, Llava.Result result) {
        JsonObject vtc = new JsonObject();
        vtc.addProperty("method", request.image() == null ? "none" : choice.method().cliName());
        vtc.addProperty("image_tokens", result.imageTokens());
        vtc.addProperty("kept_tokens", result.keptIndices().length);
        JsonObject ms = new JsonObject();
        result.timings().byStage().forEach(ms::addProperty);
        ms.addProperty("first_token", result.timings().firstTokenMs());
        vtc.add("timings_ms", ms);
        return vtc;
    }

    /**
     * Server-sent events in OpenAI's chunk format. The 200 and its headers go out with the first
     * chunk, so a request the engine refuses before generating still gets its 400.
     */
    private static final class EventStream {

        private final HttpExchange exchange;
        private final String id;
        private final long created;
        private final String model;
        private OutputStream out;
        private boolean gone;

        EventStream(HttpExchange exchange, String id, long created, String model) {
            this.exchange = exchange;
            this.id = id;
            this.created = created;
            this.model = model;
        }

        boolean started() {
            return out != null;
        }

        /** Whether a write failed: the client has gone away. */
        boolean gone() {
            return gone;
        }

        void content(String text) {
            JsonObject delta = new JsonObject();
            if (!started()) {
                delta.addProperty("role", "assistant");
            }
            delta.addProperty("content", text);
            send(chunk(delta, null));
        }

        void finish(String reason, JsonObject usage, JsonObject vtc) {
            if (!started()) {
                JsonObject delta = new JsonObject();
                delta.addProperty("role", "assistant");
                delta.addProperty("content", "");
                send(chunk(delta, null));
            }
            JsonObject last = chunk(new JsonObject(), reason);
            last.add("vtc", vtc);
            send(last);
            if (usage != null) {
                JsonObject u = chunk(null, null);
                u.add("usage", usage);
                send(u);
            }
            write("data: [DONE]\n\n");
        }

        void error(ApiError error) {
            send(error.toJson());
            write("data: [DONE]\n\n");
        }

        private JsonObject chunk(JsonObject delta, String finishReason) {
            JsonObject c = new JsonObject();
            c.addProperty("id", id);
            c.addProperty("object", "chat.completion.chunk");
            c.addProperty("created", created);
            c.addProperty("model", model);
            JsonArray choices = new JsonArray();
            if (delta != null) {
                JsonObject choice = new JsonObject();
                choice.addProperty("index", 0);
                choice.add("delta", delta);
                choice.add("finish_reason", finishReason == null ? null
                        : new com.google.gson.JsonPrimitive(finishReason));
                choices.add(choice);
            }
            c.add("choices", choices);
            return c;
        }

        private void send(JsonObject event) {
            write("data: " + event + "\n\n");
        }

        /** Writes and flushes one event; when that fails, interrupts the generation (see the class comment). */
        private void write(String text) {
            if (gone) {
                return;
            }
            try {
                if (out == null) {
                    exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
                    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
                    exchange.sendResponseHeaders(200, 0);
                    out = exchange.getResponseBody();
                }
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                gone = true;
                Thread.currentThread().interrupt();
            }
        }
    }
}
