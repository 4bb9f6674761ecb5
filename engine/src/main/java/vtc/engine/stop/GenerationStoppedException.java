package vtc.engine.stop;

import java.util.concurrent.CancellationException;

/**
 * A request stopped early by its caller: interrupted or past its deadline. Thrown from the stage
 * that noticed it; the model is unaffected and serves the next request as usual. An interrupt
 * stays set on the thread, as the caller asked for it. A {@link CancellationException}, as the
 * caller cancelled the work.
 */
public class GenerationStoppedException extends CancellationException {

    private static final long serialVersionUID = 1L;

    private final StopReason reason;
    private final String stage;
    private final int[] generatedIds;

    /**
     * @param stage        where it stopped: {@code "vision"}, {@code "prefill"} or {@code "decode"}
     * @param generatedIds the tokens generated before the stop (empty before decoding)
     */
    public GenerationStoppedException(StopReason reason, String stage, int[] generatedIds) {
        super("generation stopped during " + stage + " after " + generatedIds.length + " tokens: "
                + (reason == StopReason.DEADLINE ? "the deadline passed" : "the thread was interrupted"));
        this.reason = reason;
        this.stage = stage;
        this.generatedIds = generatedIds.clone();
    }

    public StopReason reason() {
        return reason;
    }

    public String stage() {
        return stage;
    }

    public int[] generatedIds() {
        return generatedIds.clone();
    }
}
