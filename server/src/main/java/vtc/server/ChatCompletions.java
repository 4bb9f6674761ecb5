package vtc.server;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import vtc.engine.llava.InvalidRequestException;
import vtc.engine.prune.TokenSelector;
import vtc.engine.stop.GenerationStoppedException;
import vtc.engine.stop.StopReason;
import vtc.api.Llava;
import vtc.loaders.LoadException;
import vtc.pruning.PruningParameterException;

/**
 * {@code POST /v1/chat/completions}: check the request, queue its generation in the
 * {@link GenerationSlots}, and answer with one JSON object or with server-sent events (one chunk
 * per piece of text, then the finish reason, optionally the usage, then {@code data: [DONE]}).
 *
 * <p>The generation hands its text to the exchange's thread through a queue, and only that thread
 * writes to the client: a slow client never holds up the model (whose decode steps are shared by
 * every request). When a write fails, the client has gone: the exchange cancels the generation,
 * which leaves the decode batch at the next step. A non-streaming client's departure is only
 * noticed when the answer is written.
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
        int context = llava.config().text().maxPositionEmbeddings();
        if (request.options().maxNewTokens() >= context) {
            throw ApiError.badField(request.maxTokensParam(), request.options().maxNewTokens()
                    + " leaves no room for the prompt in the model's context of " + context + " positions");
        }
        PruningChoice choice;
        TokenSelector selector;
        try {
            choice = settings.pruning().overriddenBy(request.pruningMethod(), request.pruningLayers(),
                    request.pruningKeep());
            selector = request.image() == null ? null : choice.selector(request.options().seed());
        } catch (PruningParameterException e) {
            throw pruningError(e);
        }
        Path imageFile = null;
        try {
            if (request.image() != null) {
                imageFile = Files.createTempFile("vtc-request-", ".image");
                Files.write(imageFile, request.image());
            }
            Generation generation = new Generation(Llava.Request.of(request.conversation())
                    .withImage(imageFile)
                    .withTemplate(settings.template())
                    .withSelector(selector)
                    .withOptions(request.options())
                    .withStop(request.stop())
                    .withTimeout(settings.timeout()));
            Future<Llava.Result> running = slots.submit(generation);
            if (running == null) {
                metrics.count(ServerMetrics.Outcome.REJECTED);
                exchange.getResponseHeaders().set("Retry-After", "1");
                ChatServer.sendJson(exchange, 503, new ApiError(503, "server_error", null, "queue_full",
                        "the server is busy: " + settings.parallel() + " requests are generating and "
                                + settings.queue() + " are waiting; retry later").toJson());
                return;
            }
            Answer answer = new Answer(exchange, request, choice, imageFile, arrival);
            if (request.stream()) {
                answer.stream(generation, running);
            } else {
                answer.whole(running);
            }
        } finally {
            if (imageFile != null) {
                Files.deleteIfExists(imageFile);
            }
        }
    }

    private static ApiError pruningError(PruningParameterException e) {
        return ApiError.badField("vtc." + e.parameter(), e.getMessage().replaceFirst("^" + e.parameter() + ": ", ""));
    }

    /** One request's generation, run on a slot's thread; its text goes into {@link #pieces} as it becomes final. */
    private final class Generation implements Callable<Llava.Result> {

        /** Marks the end of {@link #pieces} (compared by identity). */
        static final String END = new String("end of generation");

        final Llava.Request request;
        final BlockingQueue<String> pieces = new LinkedBlockingQueue<>();
        volatile long firstPieceNanos;
        volatile boolean clientGone;

        Generation(Llava.Request request) {
            this.request = request;
        }

        @Override
        public Llava.Result call() {
            metrics.inFlight.incrementAndGet();
            try {
                return llava.generate(request, piece -> {
                    if (firstPieceNanos == 0) {
                        firstPieceNanos = System.nanoTime();
                    }
                    pieces.add(piece);
                });
            } catch (GenerationStoppedException e) {
                if (clientGone) {
                    metrics.abandonedTokens.add(e.generatedIds().length);
                }
                throw e;
            } finally {
                metrics.inFlight.decrementAndGet();
                pieces.add(END);
            }
        }
    }

    /** Writes one request's answer; runs on the exchange's thread. */
    private final class Answer {

        private final HttpExchange exchange;
        private final ChatCompletionRequest request;
        private final PruningChoice choice;
        private final Path imageFile;
        private final long arrival;
        private final String id = "chatcmpl-" + UUID.randomUUID();
        private final long created = System.currentTimeMillis() / 1000;

        Answer(HttpExchange exchange, ChatCompletionRequest request, PruningChoice choice, Path imageFile,
               long arrival) {
            this.exchange = exchange;
            this.request = request;
            this.choice = choice;
            this.imageFile = imageFile;
            this.arrival = arrival;
        }

        void whole(Future<Llava.Result> running) throws IOException {
            Llava.Result result = outcome(running, 0);
            JsonObject message = new JsonObject();
            message.addProperty("role", "assistant");
            message.addProperty("content", result.text());
            JsonObject choiceJson = new JsonObject();
            choiceJson.addProperty("index", 0);
            choiceJson.add("message", message);
            choiceJson.addProperty("finish_reason", finishReason(result));
            JsonArray choices = new JsonArray();
            choices.add(choiceJson);
            JsonObject body = new JsonObject();
            body.addProperty("id", id);
            body.addProperty("object", "chat.completion");
            body.addProperty("created", created);
            body.addProperty("model", settings.modelId());
            body.add("choices", choices);
            body.add("usage", usage(result));
            body.add("vtc", report(result));
            try {
                ChatServer.sendJson(exchange, 200, body);
                metrics.count(ServerMetrics.Outcome.OK);
            } catch (IOException e) {
                metrics.count(ServerMetrics.Outcome.DISCONNECTED);
            }
        }

        void stream(Generation generation, Future<Llava.Result> running) throws IOException {
            EventStream events = new EventStream(exchange, id, created, settings.modelId());
            try {
                for (String piece; (piece = generation.pieces.take()) != Generation.END; ) {
                    events.content(piece);
                }
                Llava.Result result;
                try {
                    result = outcome(running, generation.firstPieceNanos);
                } catch (ApiError e) {
                    if (!events.started()) {
                        throw e;
                    }
                    events.error(e);
                    return;
                }
                events.finish(finishReason(result), request.includeUsage() ? usage(result) : null, report(result));
                metrics.count(ServerMetrics.Outcome.OK);
            } catch (IOException e) {
                generation.clientGone = true;
                running.cancel(true);
                metrics.count(ServerMetrics.Outcome.DISCONNECTED);
            } catch (InterruptedException e) {
                running.cancel(true);
                Thread.currentThread().interrupt();
            }
        }

        /** The generation's result with its metrics recorded, or its failure as this request's error. */
        private Llava.Result outcome(Future<Llava.Result> running, long firstPieceNanos) {
            Llava.Result result;
            try {
                result = running.get();
            } catch (InterruptedException e) {
                running.cancel(true);
                Thread.currentThread().interrupt();
                throw shuttingDown();
            } catch (CancellationException e) {
                throw shuttingDown();
            } catch (ExecutionException e) {
                throw failure(e.getCause());
            }
            int generated = result.generation().generatedIds().length;
            metrics.tokens(promptTokens(result), generated);
            long first = firstPieceNanos != 0 ? firstPieceNanos : System.nanoTime();
            metrics.timeToFirstToken.observe((first - arrival) / 1e9);
            if (generated > 1) {
                metrics.tokenLatency.observe(result.generation().timings().decodeMs() / 1e3 / (generated - 1));
            }
            return result;
        }

        /** What a failed generation means for the client. */
        private RuntimeException failure(Throwable cause) {
            return switch (cause) {
                case PruningParameterException e -> pruningError(e);
                case InvalidRequestException e -> new ApiError(400, "invalid_request_error", paramOf(e.getMessage()),
                        null, e.getMessage());
                case LoadException e -> ApiError.badField(request.imageParam() + ".image_url.url",
                        e.getMessage().replace(String.valueOf(imageFile) + ": ", "").replace(String.valueOf(imageFile), "the image"));
                case GenerationStoppedException e when e.reason() == StopReason.DEADLINE -> {
                    metrics.count(ServerMetrics.Outcome.TIMEOUT);
                    yield new ApiError(504, "server_error", null, "timeout", "the request ran longer than the "
                            + "server's limit of " + settings.timeout().toMillis() / 1000.0 + " s and was stopped");
                }
                case GenerationStoppedException e -> shuttingDown();
                case RuntimeException e -> e;
                case Error e -> throw e;
                default -> new IllegalStateException(cause);
            };
        }

        private static ApiError shuttingDown() {
            return new ApiError(503, "server_error", null, "shutting_down", "the server is shutting down");
        }

        /** Prompt tokens as the decoder saw them: the text ids without the placeholder, plus the image rows. */
        private int promptTokens(Llava.Result result) {
            return result.generation().inputIds().length - (request.image() == null ? 0 : 1) + result.generation().imageRows();
        }

        private JsonObject usage(Llava.Result result) {
            int prompt = promptTokens(result);
            int completion = result.generation().generatedIds().length;
            JsonObject usage = new JsonObject();
            usage.addProperty("prompt_tokens", prompt);
            usage.addProperty("completion_tokens", completion);
            usage.addProperty("total_tokens", prompt + completion);
            return usage;
        }

        /** The {@code vtc} extension of the answer: the pruning applied and where the time went. */
        private JsonObject report(Llava.Result result) {
            JsonObject vtc = new JsonObject();
            vtc.addProperty("method", request.image() == null ? "none" : choice.method());
            vtc.addProperty("image_tokens", result.generation().imageTokens());
            vtc.addProperty("kept_tokens", result.generation().keptIndices().length);
            vtc.addProperty("image_rows", result.generation().imageRows());
            JsonObject ms = new JsonObject();
            result.generation().timings().byStage().forEach(ms::addProperty);
            ms.addProperty("first_token", result.generation().timings().firstTokenMs());
            vtc.add("timings_ms", ms);
            return vtc;
        }
    }

    private static String finishReason(Llava.Result result) {
        return result.finishReason() == Llava.FinishReason.STOP ? "stop" : "length";
    }

    /** Which request field an engine refusal is about. */
    private static String paramOf(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        if (m.contains("new tokens") || m.contains("context leaves")) {
            return "max_tokens";
        }
        return m.contains("decoder layer") ? "vtc.layers" : "messages";
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

        EventStream(HttpExchange exchange, String id, long created, String model) {
            this.exchange = exchange;
            this.id = id;
            this.created = created;
            this.model = model;
        }

        boolean started() {
            return out != null;
        }

        void content(String text) throws IOException {
            JsonObject delta = new JsonObject();
            if (!started()) {
                delta.addProperty("role", "assistant");
            }
            delta.addProperty("content", text);
            send(chunk(delta, null));
        }

        void finish(String reason, JsonObject usage, JsonObject vtc) throws IOException {
            if (!started()) {
                content("");
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

        void error(ApiError error) throws IOException {
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
                choice.add("finish_reason", finishReason == null ? null : new JsonPrimitive(finishReason));
                choices.add(choice);
            }
            c.add("choices", choices);
            return c;
        }

        private void send(JsonObject event) throws IOException {
            write("data: " + event + "\n\n");
        }

        /** Writes and flushes one event; an IOException means the client has gone. */
        private void write(String text) throws IOException {
            if (out == null) {
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
                exchange.getResponseHeaders().set("Cache-Control", "no-cache");
                exchange.sendResponseHeaders(200, 0);
                out = exchange.getResponseBody();
            }
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }
}
