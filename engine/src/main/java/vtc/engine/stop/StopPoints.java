package vtc.engine.stop;

import java.util.function.Supplier;

/**
 * The places where a running request may stop: between ViT layers, between decoder layers of the
 * prompt pass, and before each generated token (the decode batch drops a stopped request at its
 * next step). A request stops when its thread is interrupted or
 * when the deadline it runs under has passed; between two stop points nothing is checked, so a
 * stop takes effect within one layer or one token.
 *
 * <p>The deadline is bound to the running call with a {@link ScopedValue} rather than passed
 * through every stage's signature: only the code that stops needs to know about it.
 */
public final class StopPoints {

    private static final ScopedValue<Long> DEADLINE_NANOS = ScopedValue.newInstance();

    private StopPoints() {
    }

    /** Runs {@code work} with a deadline in {@link System#nanoTime()} terms. */
    public static <T> T withDeadline(long deadlineNanos, Supplier<T> work) {
        return ScopedValue.where(DEADLINE_NANOS, deadlineNanos).call(work::get);
    }

    /** Why the current request should stop now, or null to go on. */
    public static StopReason pending() {
        if (Thread.currentThread().isInterrupted()) {
            return StopReason.INTERRUPTED;
        }
        if (DEADLINE_NANOS.isBound() && System.nanoTime() - DEADLINE_NANOS.get() >= 0) {
            return StopReason.DEADLINE;
        }
        return null;
    }

    /** Nanoseconds until the current deadline (0 once it passed), or {@link Long#MAX_VALUE} without one. */
    public static long nanosLeft() {
        if (!DEADLINE_NANOS.isBound()) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, DEADLINE_NANOS.get() - System.nanoTime());
    }

    /** A stop point before any token exists. */
    public static void check(String stage) {
        StopReason reason = pending();
        if (reason != null) {
            throw new GenerationStoppedException(reason, stage, new int[0]);
        }
    }
}
