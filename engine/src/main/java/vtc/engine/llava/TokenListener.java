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
}
