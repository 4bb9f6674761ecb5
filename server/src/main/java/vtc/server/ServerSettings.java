package vtc.server;

import java.time.Duration;
import vtc.engine.llava.PromptTemplate;

/**
 * How the server runs.
 *
 * @param host           the address to bind (127.0.0.1 unless the operator says otherwise)
 * @param port           0 picks a free port
 * @param modelId        the name {@code /v1/models} lists and requests must use
 * @param apiKey         the Bearer token every request except {@code /health} must carry, or null
 * @param pruning        the pruning of requests that do not choose their own
 * @param template       how conversations become prompt text
 * @param parallel       requests generating at the same time (they share the kernel threads)
 * @param queue          requests waiting for a slot; more are refused with 503
 * @param maxBodyBytes   larger request bodies are refused with 413
 * @param timeout        the longest a request may run, or null for no limit
 */
public record ServerSettings(String host, int port, String modelId, String apiKey, PruningChoice pruning,
                             PromptTemplate template, int parallel, int queue, long maxBodyBytes,
                             Duration timeout) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final long DEFAULT_MAX_BODY_BYTES = 20L << 20;

    public ServerSettings {
        if (parallel < 1) {
            throw new IllegalArgumentException("parallel must be >= 1, got " + parallel);
        }
        if (queue < 0) {
            throw new IllegalArgumentException("queue must be >= 0, got " + queue);
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be >= 1, got " + maxBodyBytes);
        }
    }

    /** Loopback, a free port, no key, no pruning, llava-hf template, 2 running, 64 waiting, 20 MB bodies. */
    public static ServerSettings defaults(String modelId) {
        return new ServerSettings(DEFAULT_HOST, 0, modelId, null, PruningChoice.NONE, PromptTemplate.LLAVA_HF,
                2, 64, DEFAULT_MAX_BODY_BYTES, null);
    }

    public ServerSettings withPort(int p) {
        return new ServerSettings(host, p, modelId, apiKey, pruning, template, parallel, queue, maxBodyBytes, timeout);
    }

    public ServerSettings withApiKey(String key) {
        return new ServerSettings(host, port, modelId, key, pruning, template, parallel, queue, maxBodyBytes, timeout);
    }

    public ServerSettings withPruning(PruningChoice p) {
        return new ServerSettings(host, port, modelId, apiKey, p, template, parallel, queue, maxBodyBytes, timeout);
    }

    public ServerSettings withCapacity(int running, int waiting) {
        return new ServerSettings(host, port, modelId, apiKey, pruning, template, running, waiting, maxBodyBytes,
                timeout);
    }

    public ServerSettings withMaxBodyBytes(long bytes) {
        return new ServerSettings(host, port, modelId, apiKey, pruning, template, parallel, queue, bytes, timeout);
    }

    public ServerSettings withTimeout(Duration limit) {
        return new ServerSettings(host, port, modelId, apiKey, pruning, template, parallel, queue, maxBodyBytes,
                limit);
    }
}
