package vtc.engine.text;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import vtc.engine.StoredAs;
import vtc.engine.kernels.Parallel;
import vtc.engine.llava.RandomModel;
import vtc.engine.tensor.DType;

/**
 * The decoder at LLaVA-1.5-7B's widths — hidden 4096, 32 heads of dim 128 (no grouping), so
 * every projection has k = 4096 and the attention runs its vector value tiles at head dim 128 —
 * against {@link NaiveLlama} in double, for every weight dtype. One layer and a narrow MLP (512)
 * keep the double reference to a second or two; the MLP's kernels are the same products at
 * other widths. A 9-row prompt runs the few-rows matmul path and the 4-query attention tiles (two
 * tiles and a leftover row); two decode steps then run the streaming one-row kernels (F16 with the
 * load-time finiteness proof, BF16, F32, Q8_0) and row-by-row attention over the cache.
 *
 * <p>Tolerance: the reference reads each weight's stored value (rounded or dequantized), so only
 * float32 arithmetic separates the two. A float32 dot product of length n errs by at most about
 * n·2⁻²⁴ of Σ|terms| (worst case) and typically by √n·2⁻²⁴ of it; here Σ|terms| ≤ ~80 at k = 4096
 * and a few such errors chain through norm, attention and the head, giving ~1e-4 typical and a
 * few 1e-4 at worst on logits of magnitude ~1. 1e-3 holds that with margin, while an indexing or
 * widening mistake moves logits by 0.1 or more.
 */
class RealShapeDecoderTest {

    private static final Parallel PARALLEL = new Parallel(2);
    private static final LlamaConfig CONFIG =
            new LlamaConfig(64, 4096, 512, 1, 32, 32, 128, "silu", 64, 1e-5, 10000, false, 1, new int[] {2});
    private static final LlamaWeights F32_WEIGHTS = new RandomModel(17).llama(CONFIG);
    private static final int[] IDS = {1, 40, 7, 63, 12, 5, 5, 30, 22, 9, 50};
    private static final int PROMPT = 9;
    private static final double LOGIT_TOL = 1e-3;

    @AfterAll
    static void close() {
        PARALLEL.close();
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void sevenBWidthPrefillAndDecodeMatchTheDoubleReference(DType dtype) {
        Stored model = Stored.as(dtype);
        LlamaDecoder decoder = model.decoder();
        NaiveLlama naive = model.naive();
        double[][] reference = model.reference();

        KvCache cache = decoder.newCache(IDS.length);
        float[] x = prefill(decoder, cache, PROMPT);
        float[] prompt = decoder.logitsAll(x, PROMPT);
        int v = CONFIG.vocabSize();
        for (int t = 0; t < PROMPT; t++) {
            assertClose(dtype + " prompt row " + t, naive.logits(reference[t]),
                    Arrays.copyOfRange(prompt, t * v, (t + 1) * v));
        }
        DecodeState state = decoder.decodeState(cache);
        for (int t = PROMPT; t < IDS.length; t++) {
            assertClose(dtype + " decode step at position " + t, naive.logits(reference[t]), state.next(IDS[t], t));
        }
    }

    /**
     * Five sequences — prompts of 3..7 of the same ids, each in its own cache — decode two
     * tokens each in batched steps ({@link DecodeBatch}: five rows, so the widened-weight 4-row
     * tile plus a leftover row at k = 4096). The ids are the prefixes of one sequence, so one
     * double reference gives every row's expected logits; same tolerance as above.
     */
    @ParameterizedTest
    @EnumSource(DType.class)
    void sevenBWidthBatchedDecodeStepsMatchTheDoubleReference(DType dtype) {
        Stored model = Stored.as(dtype);
        int sequences = 5;
        DecodeState[] states = new DecodeState[sequences];
        int[] positions = new int[sequences];
        int[] tokens = new int[sequences];
        for (int s = 0; s < sequences; s++) {
            int prompt = 3 + s;
            KvCache cache = model.decoder().newCache(prompt + 2);
            prefill(model.decoder(), cache, prompt);
            states[s] = model.decoder().decodeState(cache);
            positions[s] = prompt;
        }
        DecodeBatch batch = new DecodeBatch(model.decoder());
        for (int step = 0; step < 2; step++) {
            for (int s = 0; s < sequences; s++) {
                tokens[s] = IDS[positions[s]];
            }
            batch.step(states, tokens, positions, sequences);
            for (int s = 0; s < sequences; s++) {
                assertClose(dtype + " batched sequence " + s + " at position " + positions[s],
                        model.naive().logits(model.reference()[positions[s]]), states[s].logits());
                positions[s]++;
            }
        }
    }

    /** The prompt pass over {@code IDS[0..prompt)} into {@code cache}; returns its last layer's rows. */
    private static float[] prefill(LlamaDecoder decoder, KvCache cache, int prompt) {
        int d = CONFIG.hiddenSize();
        float[] x = new float[prompt * d];
        for (int t = 0; t < prompt; t++) {
            decoder.embed(IDS[t], x, t * d);
        }
        decoder.prefill(cache, new PromptRows(x, range(prompt), prompt, d), null);
        return x;
    }

    /** The weights in {@code dtype}, the decoder over them, and the double reference over all of IDS. */
    private record Stored(LlamaDecoder decoder, NaiveLlama naive, double[][] reference) {
        static Stored as(DType dtype) {
            LlamaWeights weights = StoredAs.llama(F32_WEIGHTS, dtype);
            NaiveLlama naive = new NaiveLlama(CONFIG, weights);
            return new Stored(new LlamaDecoder(CONFIG, weights, PARALLEL), naive,
                    naive.layers(naive.embed(IDS), range(IDS.length), 0, 1));
        }
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    private static void assertClose(String what, double[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs(expected[i] - actual[i]);
            assertTrue(diff <= LOGIT_TOL, what + " logit " + i + ": expected " + expected[i] + ", got " + actual[i]);
        }
    }
}
