package vtc.engine.llava;

/**
 * Admits a request only if the memory it will allocate (its KV cache and activations) is free now,
 * counting what the requests already admitted may still allocate. The heap's free share is read
 * from the runtime; only when it looks too small is a collection asked for once and the share read
 * again, since much of "used" memory is usually garbage.
 *
 * <p>A request admitted beside others is charged in full even though part of what they reserved
 * is already counted as used: the rule refuses a little early under concurrency rather than risk
 * an OutOfMemoryError. A refused request fails with {@link InsufficientMemoryException}; one that
 * could never fit (larger than the whole heap) says so.
 */
final class MemoryAdmission {

    /** Head-room left to the rest of the process (the caller's own objects, tokenizer, server). */
    private static final long SPARE_BYTES = 32L << 20;

    private final Runtime runtime = Runtime.getRuntime();
    private long reserved;
    private int running;

    /** A held admission; closing it returns the reservation. */
    interface Ticket extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Reserves {@code bytes} for one request.
     *
     * @param what what the bytes are for, as the refusal should describe them
     */
    synchronized Ticket admit(long bytes, String what) {
        long max = runtime.maxMemory();
        if (bytes > max - SPARE_BYTES) {
            throw new InsufficientMemoryException(what + " needs " + megabytes(bytes) + ", more than the heap's "
                    + megabytes(max) + " can ever give (-Xmx); ask for fewer new tokens or a larger heap", false);
        }
        if (bytes > available()) {
            System.gc();
            long available = available();
            if (bytes > available) {
                throw new InsufficientMemoryException(what + " needs " + megabytes(bytes) + " but only "
                        + megabytes(Math.max(available, 0)) + " of the heap's " + megabytes(max) + " are free"
                        + (running > 0 ? " beside the " + running + " request" + (running == 1 ? "" : "s")
                        + " running (retry when they finish)" : "") + "; ask for fewer new tokens or a larger heap", true);
            }
        }
        reserved += bytes;
        running++;
        return new Ticket() {
            private boolean closed;

            @Override
            public void close() {
                synchronized (MemoryAdmission.this) {
                    if (!closed) {
                        closed = true;
                        reserved -= bytes;
                        running--;
                    }
                }
            }
        };
    }

    private long available() {
        long used = runtime.totalMemory() - runtime.freeMemory();
        return runtime.maxMemory() - used - reserved - SPARE_BYTES;
    }

    /** Megabytes with enough digits to tell two sizes apart ("301 MB", not "0.3 GB"). */
    static String megabytes(long bytes) {
        return String.format("%,d MB", Math.round(bytes / 1e6));
    }
}
