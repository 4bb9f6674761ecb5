package vtc.engine.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import vtc.engine.kernels.Parallel;
import vtc.engine.llava.RandomModel;
import vtc.engine.prune.DecoderAttentionObserver;

/**
 * The cached float32 decoder against {@link NaiveLlama} (double precision, no cache) on random
 * weights with grouped-query attention (4 query heads, 2 key/value heads) and a BF16 embedding
 * table. Logits are O(1..10); float32 rounding over 3 layers of width 16 stays near 1e-5, so
 * 1e-4 is tight while any wrong position, head mapping or mask moves them by O(0.1).
 * Attention probabilities are checked to 1e-6 (float32 softmax of O(1) scores).
 */
class LlamaDecoderTest {

    private static final Parallel PARALLEL = new Parallel(2);
    private static final LlamaConfig CONFIG = RandomModel.tinyLlama(64);
    private static final LlamaWeights WEIGHTS = new RandomModel(11).llama(CONFIG);
    private static final LlamaDecoder DECODER = new LlamaDecoder(CONFIG, WEIGHTS, PARALLEL);
    private static final NaiveLlama NAIVE = new NaiveLlama(CONFIG, WEIGHTS);
    private static final int[] IDS = {1, 5, 9, 14, 3, 3, 20, 7, 11, 23, 4, 8};
    private static final int PROMPT = 10;
    private static final int D = CONFIG.hiddenSize();
    private static final double LOGIT_TOL = 1e-4;

    @AfterAll
    static void close() {
        PARALLEL.close();
    }

    @Test
    void prefillLogitsOfEveryRowMatchTheNaiveReference() {
        float[] x = embed(PROMPT);
        DECODER.prefill(DECODER.newCache(PROMPT), new PromptRows(x, PROMPT, D), null);
        float[] logits = DECODER.logitsAll(x, PROMPT);
        double[][] reference = NAIVE.layers(NAIVE.embed(Arrays.copyOf(IDS, PROMPT)), range(0, PROMPT), 0, 3);
        for (int t = 0; t < PROMPT; t++) {
            assertClose("logits row " + t, NAIVE.logits(reference[t]),
                    Arrays.copyOfRange(logits, t * CONFIG.vocabSize(), (t + 1) * CONFIG.vocabSize()), LOGIT_TOL);
        }
    }

    @Test
    void decodeStepsMatchTheNaiveReferenceOnTheGrowingSequence() {
        int prompt = 6;
        KvCache cache = DECODER.newCache(IDS.length);
        float[] x = embed(prompt);
        DECODER.prefill(cache, new PromptRows(x, prompt, D), null);
        DecodeState state = DECODER.decodeState(cache);
        double[][] reference = NAIVE.layers(NAIVE.embed(IDS), range(0, IDS.length), 0, 3);
        for (int t = prompt; t < IDS.length; t++) {
            float[] logits = state.next(IDS[t], t);
            assertClose("step at position " + t, NAIVE.logits(reference[t]), logits, LOGIT_TOL);
        }
        assertEquals(IDS.length, cache.length(2));
    }

    /** The per-token loop reuses the request's scratch: measured with the JDK's per-thread allocation counter. */
    @Test
    void decodeStepsAllocateNothing() {
        // The vector kernels allocate until the JIT has compiled them, so windows of steps are
        // measured until one allocates nothing; a step that allocates by design never gets there.
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        int window = 250;
        int windows = 40;
        try (Parallel single = new Parallel(1)) {
            LlamaDecoder decoder = new LlamaDecoder(CONFIG, WEIGHTS, single);
            KvCache cache = decoder.newCache(PROMPT + window * windows);
            decoder.prefill(cache, new PromptRows(embed(PROMPT), PROMPT, D), null);
            DecodeState state = decoder.decodeState(cache);
            int position = PROMPT;
            long allocated = Long.MAX_VALUE;
            for (int w = 0; w < windows && allocated >= 1024; w++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int step = 0; step < window; step++, position++) {
                    state.next(IDS[position % IDS.length], position);
                }
                allocated = threads.getCurrentThreadAllocatedBytes() - before;
            }
            assertTrue(allocated < 1024, "after " + (position - PROMPT) + " steps, " + window
                    + " decode steps still allocated " + allocated + " bytes");
        }
    }

    @Test
    void forwardLayersIsTheSameComputationWithoutACache() {
        float[] x = embed(PROMPT);
        int[] positions = {0, 1, 2, 5, 6, 9, 10, 11, 12, 13};
        DECODER.forwardLayers(x, PROMPT, positions, 0, 2);
        double[][] reference = NAIVE.layers(NAIVE.embed(Arrays.copyOf(IDS, PROMPT)), positions, 0, 2);
        assertClose("hidden after layers 0..1 with position gaps", flatten(reference), x, 2e-5);
    }

    @Test
    void rowsDroppedBetweenLayersKeepTheirOriginalPositions() {
        for (int k = 1; k <= 2; k++) {
            checkPrefillInTwoParts(k);
        }
    }

    /** Layers 0..K−1 on the whole prompt, then layers K.. on the kept rows only (a cut inside the decoder). */
    private void checkPrefillInTwoParts(int k) {
        int[] keptPositions = {0, 1, 3, 6, 8, 9};
        KvCache cache = DECODER.newCache(IDS.length);
        PromptRows prompt = new PromptRows(embed(PROMPT), PROMPT, D);
        List<float[]> seen = new ArrayList<>();
        DECODER.prefill(cache, prompt, 0, k, new DecoderAttentionObserver() {
            @Override
            public boolean wantsLayer(int layer) {
                return layer == k - 1;
            }

            @Override
            public void lastTokenAttention(int layer, float[] headMean, int[] keyPositions, int keys) {
                seen.add(Arrays.copyOf(headMean, keys));
            }
        });
        prompt.keepRows(keptPositions);
        DECODER.prefill(cache, prompt, k, 3, null);

        assertEquals(keptPositions.length, prompt.rows());
        assertArrayEquals(keptPositions, Arrays.copyOf(prompt.positions(), prompt.rows()));
        assertEquals(PROMPT, cache.length(k - 1), "layers before K cache the whole prompt");
        assertEquals(keptPositions.length, cache.length(k), "layers from K cache only the kept rows");

        double[][] early = NAIVE.layers(NAIVE.embed(Arrays.copyOf(IDS, PROMPT)), range(0, PROMPT), 0, k);
        assertEquals(1, seen.size(), "only the wanted layer is reported");
        assertClose("last-row attention of layer K-1, K=" + k, NAIVE.lastRowAttention.get(k - 1), seen.get(0), 1e-6);
        double[][] late = NAIVE.layers(pick(early, keptPositions), keptPositions, k, 3);
        float[] logits = new float[CONFIG.vocabSize()];
        DECODER.logits(prompt.x(), prompt.rows() - 1, logits);
        assertClose("prefill logits, K=" + k, NAIVE.logits(late[late.length - 1]), logits, LOGIT_TOL);

        // Two decode steps at positions T and T+1: early layers see every prompt row, late ones the kept rows.
        DecodeState state = DECODER.decodeState(cache);
        double[][] fullEarly = NAIVE.layers(NAIVE.embed(IDS), range(0, IDS.length), 0, k);
        int[] lateRows = {0, 1, 3, 6, 8, 9, 10, 11};
        double[][] fullLate = NAIVE.layers(pick(fullEarly, lateRows), lateRows, k, 3);
        for (int t = PROMPT; t < IDS.length; t++) {
            float[] step = state.next(IDS[t], t);
            assertClose("decode at " + t + ", K=" + k, NAIVE.logits(fullLate[t - PROMPT + keptPositions.length]),
                    step, LOGIT_TOL);
        }
    }

    @Test
    void observerSeesTheLastRowHeadMeanOfEveryLayer() {
        List<Integer> layers = new ArrayList<>();
        List<float[]> rows = new ArrayList<>();
        float[] x = embed(PROMPT);
        DECODER.prefill(DECODER.newCache(PROMPT), new PromptRows(x, PROMPT, D),
                (layer, headMean, keyPositions, keys) -> {
                    layers.add(layer);
                    rows.add(Arrays.copyOf(headMean, keys));
                    assertArrayEquals(range(0, PROMPT), Arrays.copyOf(keyPositions, keys));
                });
        NAIVE.layers(NAIVE.embed(Arrays.copyOf(IDS, PROMPT)), range(0, PROMPT), 0, 3);
        assertEquals(List.of(0, 1, 2), layers);
        for (int l = 0; l < 3; l++) {
            assertClose("head-mean row of layer " + l, NAIVE.lastRowAttention.get(l), rows.get(l), 1e-6);
        }
    }

    @Test
    void aLayerRangeOutsideTheDecoderIsRefused() {
        for (int[] range : new int[][] {{-1, 2}, {2, 1}, {0, 4}}) {
            assertThrows(IllegalArgumentException.class, () -> DECODER.prefill(DECODER.newCache(PROMPT),
                    new PromptRows(embed(PROMPT), PROMPT, D), range[0], range[1], null));
        }
    }

    @Test
    void cacheRefusesMoreEntriesThanItsCapacity() {
        KvCache cache = DECODER.newCache(PROMPT);
        DECODER.prefill(cache, new PromptRows(embed(PROMPT), PROMPT, D), null);
        DecodeState state = DECODER.decodeState(cache);
        var e = assertThrows(IllegalStateException.class, () -> state.next(3, PROMPT));
        assertTrue(e.getMessage().contains("capacity"), e.getMessage());
    }

    @Test
    void tokenOutsideTheVocabularyIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> DECODER.embed(24, new float[D], 0));
        assertTrue(e.getMessage().contains("24"), e.getMessage());
    }

    private static float[] embed(int rows) {
        float[] x = new float[rows * D];
        for (int t = 0; t < rows; t++) {
            DECODER.embed(IDS[t], x, t * D);
        }
        return x;
    }

    private static double[][] pick(double[][] rows, int[] indices) {
        double[][] out = new double[indices.length][];
        for (int i = 0; i < indices.length; i++) {
            out[i] = rows[indices[i]];
        }
        return out;
    }

    static int[] range(int from, int to) {
        int[] out = new int[to - from];
        for (int i = 0; i < out.length; i++) {
            out[i] = from + i;
        }
        return out;
    }

    private static float[] flatten(double[][] x) {
        float[] out = new float[x.length * x[0].length];
        for (int t = 0; t < x.length; t++) {
            for (int i = 0; i < x[t].length; i++) {
                out[t * x[t].length + i] = (float) x[t][i];
            }
        }
        return out;
    }

    private static void assertClose(String what, double[] expected, float[] actual, double tol) {
        float[] e = new float[expected.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = (float) expected[i];
        }
        assertClose(what, e, actual, tol);
    }

    private static void assertClose(String what, float[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol,
                    what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]);
        }
    }
}
