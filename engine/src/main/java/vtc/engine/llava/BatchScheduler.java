package vtc.engine.llava;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import vtc.engine.kernels.Parallel;
import vtc.engine.stop.GenerationStoppedException;
import vtc.engine.stop.StopPoints;
import vtc.engine.stop.StopReason;
import vtc.engine.text.DecodeBatch;
import vtc.engine.text.DecodeState;
import vtc.engine.text.KvCache;
import vtc.engine.text.LlamaConfig;
import vtc.engine.text.LlamaDecoder;

/**
 * Continuous batching of the decode phase: every request that is generating tokens joins one
 * batch, and one driver thread advances the whole batch a token per step with a
 * {@link DecodeBatch} (one pass over the weights for all of them). Requests join and leave
 * between steps; each keeps its own KV cache, positions, sampler and listener, so its tokens
 * are those it would get alone.
 *
 * <p>Each step holds the kernel pool {@linkplain Parallel#exclusively exclusively}. When other
 * callers (the ViT and prompt pass of joining requests) waited meanwhile, the driver then leaves
 * them the pool for as long as the step took, or until they stop using it: decode steps and
 * prompt passes share the machine about evenly, and neither freezes the other for its whole
 * duration. (Letting them in for one kernel per step would stretch a 7B prompt pass of ~300
 * kernels by 300 decode steps.)
 *
 * <p>The driver thread is started when a request joins an idle scheduler and ends when the
 * batch runs empty. Listeners of tokens after the first are called on it, one after the other:
 * a slow listener slows the whole batch, and a listener must not wait for another generation
 * of the same model.
 */
final class BatchScheduler {

    /** Sequences stepped together at most; more wait to join (rows stay on the few-rows kernels). */
    static final int MAX_BATCH = 16;
    /** The pool counts as left alone after this many checks in a row find it idle (a prompt pass has short serial gaps). */
    private static final int IDLE_CHECKS = 4;
    private static final long IDLE_CHECK_NANOS = 100_000;

    private final LlamaDecoder decoder;
    private final Parallel parallel;
    private final ArrayDeque<Sequence> waiting = new ArrayDeque<>();
    private boolean driving;
    private volatile Thread driver;
    private long joined;

    // Owned by the driver thread (only one at a time).
    private final List<Sequence> active = new ArrayList<>();
    private final DecodeBatch batch;
    private final DecodeState[] states = new DecodeState[MAX_BATCH];
    private final int[] tokens = new int[MAX_BATCH];
    private final int[] positions = new int[MAX_BATCH];
    private int rows;
    private volatile int largestBatch;
    private final Runnable step = this::step;

    BatchScheduler(LlamaDecoder decoder, Parallel parallel) {
        this.decoder = decoder;
        this.parallel = parallel;
        this.batch = new DecodeBatch(decoder);
    }

    private void step() {
        batch.step(states, tokens, positions, rows);
    }

    /**
     * Generates a request's tokens: the first from its prompt logits on the calling thread, the
     * rest in the shared batch. Blocks until the request is done and returns its ids.
     *
     * @throws GenerationStoppedException (a {@link CancellationException}) if the calling thread
     *         is interrupted or its deadline passes: the request leaves the batch at the next step;
     *         an interrupt flag stays set
     */
    int[] generate(KvCache cache, float[] promptLogits, int promptRows, GenerationOptions options,
                   TokenListener listener) {
        Sequence sequence = new Sequence(decoder.config(), promptRows, options, listener);
        if (!sequence.accept(promptLogits)) {
            return sequence.generated();
        }
        if (Thread.currentThread() == driver) {
            throw new IllegalStateException("a token listener started another generation on this model and would "
                    + "wait for itself; start it from another thread");
        }
        sequence.state = decoder.decodeState(cache);
        join(sequence);
        sequence.await();
        return sequence.generated();
    }

    /** The most sequences one step has run so far (tests and benchmarks read it). */
    int largestBatch() {
        return largestBatch;
    }

    /** Sequences that have joined since the scheduler was made (each is in the step after it joined). */
    synchronized long joined() {
        return joined;
    }

    private void join(Sequence sequence) {
        synchronized (this) {
            waiting.add(sequence);
            joined++;
            if (driving) {
                return;
            }
            driving = true;
        }
        try {
            Thread.ofPlatform().daemon().name("vtc-decode").start(this::drive);
        } catch (RuntimeException | Error e) { // no thread: leave the scheduler idle, not stuck
            synchronized (this) {
                waiting.remove(sequence);
                driving = false;
            }
            throw e;
        }
    }

    /** The driver: admit waiting sequences, step the batch, hand each sequence its logits, repeat until empty. */
    private void drive() {
        driver = Thread.currentThread();
        while (true) {
            synchronized (this) {
                while (!waiting.isEmpty() && active.size() < MAX_BATCH) {
                    active.add(waiting.poll());
                }
                if (active.isEmpty()) {
                    driving = false;
                    return;
                }
            }
            rows = active.size();
            largestBatch = Math.max(largestBatch, rows);
            for (int i = 0; i < rows; i++) {
                Sequence s = active.get(i);
                states[i] = s.state;
                tokens[i] = s.lastToken();
                positions[i] = s.nextPosition();
            }
            long stepStart = System.nanoTime();
            boolean othersWaited;
            try {
                othersWaited = parallel.exclusively(step);
            } catch (Throwable t) {
                for (Sequence s : active) {
                    s.finish(t);
                }
                active.clear();
                continue;
            }
            Arrays.fill(states, 0, rows, null);
            for (int i = active.size() - 1; i >= 0; i--) {
                Sequence s = active.get(i);
                boolean more;
                Throwable failure = null;
                try {
                    more = !s.cancelled && s.accept(s.state.logits());
                } catch (Throwable t) {
                    more = false;
                    failure = t;
                }
                if (!more) {
                    active.remove(i);
                    s.finish(failure);
                }
            }
            if (othersWaited) {
                leavePoolToOthers(System.nanoTime() - stepStart);
            }
        }
    }

    /** Waits up to {@code nanos} while other callers use the pool; returns early once it stays idle. */
    private void leavePoolToOthers(long nanos) {
        long deadline = System.nanoTime() + nanos;
        int idleChecks = 0;
        while (idleChecks < IDLE_CHECKS && System.nanoTime() < deadline) {
            LockSupport.parkNanos(IDLE_CHECK_NANOS);
            idleChecks = parallel.busy() ? 0 : idleChecks + 1;
        }
    }

    /** One request in its decode phase: what it generated so far and how it samples the next token. */
    private static final class Sequence {
        private final LlamaConfig text;
        private final int promptRows;
        private final GenerationOptions options;
        private final TokenListener listener;
        private final TokenSampler sampler;
        private final int[] generated;
        private int count;
        private DecodeState state;
        private volatile boolean cancelled;
        private volatile Throwable failure;
        private final CountDownLatch done = new CountDownLatch(1);

        Sequence(LlamaConfig text, int promptRows, GenerationOptions options, TokenListener listener) {
            this.text = text;
            this.promptRows = promptRows;
            this.options = options;
            this.listener = listener;
            this.sampler = new TokenSampler(options, text.vocabSize());
            this.generated = new int[options.maxNewTokens()];
        }

        /** Samples the next token from {@code logits} and reports it; false when the request is complete. */
        boolean accept(float[] logits) {
            if (count == generated.length) {
                return false;
            }
            int token = sampler.next(logits);
            generated[count] = token;
            if (listener != null) {
                listener.onToken(count, token, logits);
            }
            count++;
            return !((options.stopAtEos() && text.isEos(token)) || count == generated.length
                    || (listener != null && listener.finished()));
        }

        int lastToken() {
            return generated[count - 1];
        }

        /** The decoder position of the token the next step runs. */
        int nextPosition() {
            return promptRows + count - 1;
        }

        int[] generated() {
            return Arrays.copyOf(generated, count);
        }

        void finish(Throwable t) {
            failure = t;
            done.countDown();
        }

        /**
         * Waits for the sequence to finish. An interrupt or the caller's deadline (see
         * {@link StopPoints}) takes it out of the batch at the next step, then throws.
         */
        void await() {
            StopReason stopped = null;
            while (true) {
                try {
                    long left = StopPoints.nanosLeft();
                    if (stopped != null || left == Long.MAX_VALUE) {
                        done.await();
                        break;
                    }
                    if (done.await(left, TimeUnit.NANOSECONDS)) {
                        break;
                    }
                    stopped = StopReason.DEADLINE;
                    cancelled = true;
                } catch (InterruptedException e) {
                    stopped = StopReason.INTERRUPTED;
                    cancelled = true;
                }
            }
            if (stopped == StopReason.INTERRUPTED) {
                Thread.currentThread().interrupt();
            }
            if (stopped != null) {
                throw new GenerationStoppedException(stopped, "decode", generated());
            }
            Throwable t = failure;
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException("decode failed", t);
            }
        }
    }
}
