package vtc.engine.stop;

/** Why a running request stopped before it finished. */
public enum StopReason {
    /** The thread running it was interrupted ({@code Thread.interrupt()}, {@code Future.cancel(true)}). */
    INTERRUPTED,
    /** Its deadline passed. */
    DEADLINE
}
