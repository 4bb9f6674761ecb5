package vtc.engine.llava;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits: arg-max when greedy, otherwise temperature softmax with
 * optional nucleus (top-p) truncation, drawn from a seeded generator. One per request; all
 * scratch is allocated up front so a step allocates nothing.
 */
final class TokenSampler {

    private final GenerationOptions options;
    private final SplittableRandom random;
    private final float[] probs;
    /** Candidates packed as (probability bits, complemented id) so a primitive sort orders them. */
    private final long[] candidates;

    TokenSampler(GenerationOptions options, int vocabSize) {
        this.options = options;
        this.random = new SplittableRandom(options.seed());
        this.probs = options.isGreedy() ? null : new float[vocabSize];
        this.candidates = options.isGreedy() || options.topP() >= 1 ? null : new long[vocabSize];
    }

    int next(float[] logits) {
        if (options.isGreedy()) {
            return argmax(logits);
        }
        softmaxWithTemperature(logits);
        return options.topP() >= 1 ? drawFromAll() : drawFromNucleus();
    }

    /** The highest logit; the lower id wins a tie. */
    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    private void softmaxWithTemperature(float[] logits) {
        float max = logits[argmax(logits)];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            probs[i] = (float) Math.exp((logits[i] - max) / options.temperature());
            sum += probs[i];
        }
        float inv = (float) (1 / sum);
        for (int i = 0; i < probs.length; i++) {
            probs[i] *= inv;
        }
    }

    private int drawFromAll() {
        double r = random.nextDouble();
        double cumulative = 0;
        for (int i = 0; i < probs.length; i++) {
            cumulative += probs[i];
            if (r < cumulative) {
                return i;
            }
        }
        return argmax(probs);
    }

    /**
     * Samples among the most likely tokens whose mass first reaches topP. A token below
     * {@code (1 − topP) / (V − 1)} can never be in that set, so only the rest are sorted.
     */
    private int drawFromNucleus() {
        double topP = options.topP();
        float cutoff = (float) ((1 - topP) / Math.max(1, probs.length - 1));
        int n = 0;
        for (int i = 0; i < probs.length; i++) {
            if (probs[i] >= cutoff) {
                candidates[n++] = ((long) Float.floatToRawIntBits(probs[i]) << 32) | (~i & 0xFFFFFFFFL);
            }
        }
        if (n == 0) {
            return argmax(probs);
        }
        Arrays.sort(candidates, 0, n);
        double mass = 0;
        int last = 0;
        for (int c = n - 1; c >= 0; c--) {
            mass += Float.intBitsToFloat((int) (candidates[c] >>> 32));
            last = c;
            if (mass >= topP) {
                break;
            }
        }
        double r = random.nextDouble() * mass;
        double cumulative = 0;
        for (int c = n - 1; c > last; c--) {
            cumulative += Float.intBitsToFloat((int) (candidates[c] >>> 32));
            if (r < cumulative) {
                return ~(int) candidates[c];
            }
        }
        return ~(int) candidates[last];
    }
}
