package vtc.server;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/** What {@code GET /metrics} reports, in the Prometheus text format. */
final class ServerMetrics {

    /** How a chat completion request ended. */
    enum Outcome {
        OK("ok"), BAD_REQUEST("bad_request"), REJECTED("rejected"), DISCONNECTED("disconnected"),
        TIMEOUT("timeout"), ERROR("error");

        final String label;

        Outcome(String label) {
            this.label = label;
        }
    }

    private final Map<Outcome, LongAdder> requests = new EnumMap<>(Outcome.class);
    private final LongAdder promptTokens = new LongAdder();
    private final LongAdder generatedTokens = new LongAdder();
    final AtomicInteger inFlight = new AtomicInteger();
    private final IntSupplier queueLength;
    final LatencyHistogram timeToFirstToken = new LatencyHistogram("vtc_time_to_first_token_seconds",
            "Time from a request's arrival to its first generated token (queueing included).",
            0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120);
    final LatencyHistogram tokenLatency = new LatencyHistogram("vtc_token_latency_seconds",
            "Time per generated token after the first.",
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1);

    ServerMetrics(IntSupplier queueLength) {
        this.queueLength = queueLength;
        for (Outcome o : Outcome.values()) {
            requests.put(o, new LongAdder());
        }
    }

    void count(Outcome outcome) {
        requests.get(outcome).increment();
    }

    void tokens(int prompt, int generated) {
        promptTokens.add(prompt);
        generatedTokens.add(generated);
    }

    long requests(Outcome outcome) {
        return requests.get(outcome).sum();
    }

    String text() {
        StringBuilder out = new StringBuilder();
        out.append("# HELP vtc_requests_total Chat completion requests by how they ended.\n");
        out.append("# TYPE vtc_requests_total counter\n");
        for (Outcome o : Outcome.values()) {
            out.append("vtc_requests_total{outcome=\"").append(o.label).append("\"} ").append(requests(o)).append('\n');
        }
        counter(out, "vtc_prompt_tokens_total", "Prompt tokens prefilled (text and kept image tokens).",
                promptTokens.sum());
        counter(out, "vtc_generated_tokens_total", "Tokens generated.", generatedTokens.sum());
        gauge(out, "vtc_requests_in_flight", "Requests generating now.", inFlight.get());
        gauge(out, "vtc_queue_length", "Requests waiting for a generation slot.", queueLength.getAsInt());
        timeToFirstToken.writeTo(out);
        tokenLatency.writeTo(out);
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n").append(name).append(' ').append(value).append('\n');
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n").append(name).append(' ').append(value).append('\n');
    }
}
