package vtc.engine.llava;

/** Told about each generated token as soon as it is chosen (streaming output). */
@FunctionalInterface
public interface TokenListener {

    /**
     * @param step   0 for the first generated token
     * @param token  the chosen id
     * @param logits the raw logits it was chosen from; engine scratch, valid only during the call
     */
    void onToken(int step, int token, float[] logits);

    /**
     * Asked after each {@link #onToken}: true ends generation there, as an end-of-sequence token
     * would (a stop string was seen, the caller has what it needs).
     */
    default boolean finished() {
        return false;
    }
}
