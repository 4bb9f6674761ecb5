package vtc.engine.llava;

/**
 * How tokens are chosen.
 *
 * @param maxNewTokens how many tokens to generate at most (0: only the prefill runs)
 * @param temperature  0 for greedy decoding (arg-max, lower id on ties); otherwise logits are
 *                     divided by it before the softmax
 * @param topP         nucleus sampling mass in (0, 1]; 1 samples from the whole distribution
 * @param seed         seeds the sampler, so a sampled run is reproducible
 * @param stopAtEos    stop after the first end-of-sequence token (it is still reported)
 */
public record GenerationOptions(int maxNewTokens, double temperature, double topP, long seed, boolean stopAtEos) {

    public GenerationOptions {
        if (maxNewTokens < 0) {
            throw new InvalidRequestException("maxNewTokens must be >= 0, got " + maxNewTokens);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new InvalidRequestException("temperature must be a finite number >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new InvalidRequestException("topP must be in (0, 1], got " + topP);
        }
    }

    /** Greedy decoding of up to {@code maxNewTokens} tokens, stopping at end-of-sequence. */
    public static GenerationOptions greedy(int maxNewTokens) {
        return new GenerationOptions(maxNewTokens, 0, 1, 0, true);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }
}
