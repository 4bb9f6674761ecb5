package vtc.engine.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import vtc.engine.kernels.Parallel;
import vtc.engine.llava.RandomModel;

/**
 * Batched decode steps against the same sequences decoded alone with {@link DecodeState#next}.
 * Sequences of different prompt lengths join and leave the batch between steps; each must get
 * the logits it gets alone. Only float32 summation order may differ (the elementwise kernels'
 * vector/tail split, and from four rows the widened-tile matmul): ~1e-6 on logits of O(1..10)
 * after a few layers, so 1e-4 — the tolerance the decoder holds against its double-precision
 * reference — is tight, while a row reading another sequence's cache or position is off by O(0.1).
 * Greedy ids must be identical.
 */
class DecodeBatchTest {

    private static final Parallel PARALLEL = new Parallel(2);
    private static final double LOGIT_TOL = 1e-4;

    @AfterAll
    static void close() {
        PARALLEL.close();
    }

    @Test
    void tinySequencesJoiningAndLeavingGetTheirAloneLogits() {
        LlamaConfig config = RandomModel.tinyLlama(128);
        checkAgainstAlone(new LlamaDecoder(config, new RandomModel(11).llama(config), PARALLEL), 6, 7);
    }

    /**
     * Wider layers (hidden 64, MLP 160, head dim 16, vocab 96) so that with four or more rows
     * the matmuls take the widened-tile path and the elementwise kernels run whole vectors.
     */
    @Test
    void widerSequencesInBatchesOfUpToEightGetTheirAloneLogits() {
        LlamaConfig config = new LlamaConfig(96, 64, 160, 2, 4, 2, 16, "silu", 128, 1e-5, 10000, false, 1,
                new int[] {2});
        checkAgainstAlone(new LlamaDecoder(config, new RandomModel(5).llama(config), PARALLEL), 8, 9);
    }

    @Test
    void aRowOfAnotherDecoderIsRefused() {
        LlamaConfig config = RandomModel.tinyLlama(64);
        LlamaDecoder a = new LlamaDecoder(config, new RandomModel(1).llama(config), PARALLEL);
        LlamaDecoder b = new LlamaDecoder(config, new RandomModel(2).llama(config), PARALLEL);
        DecodeState foreign = b.decodeState(b.newCache(4));
        assertThrows(IllegalArgumentException.class,
                () -> new DecodeBatch(a).step(new DecodeState[] {foreign}, new int[] {1}, new int[] {0}, 1));
    }

    /**
     * {@code sequences} prompts of lengths 40, 43, ... (attention rows longer than a vector); sequence s joins the batch at step s and
     * leaves after {@code tokens} steps, so the batch grows, is full, then shrinks.
     */
    private static void checkAgainstAlone(LlamaDecoder decoder, int sequences, int tokens) {
        LlamaConfig config = decoder.config();
        Random random = new Random(42);
        int[][] prompts = new int[sequences][];
        for (int s = 0; s < sequences; s++) {
            prompts[s] = random.ints(40 + 3 * s, 3, config.vocabSize()).toArray();
        }
        List<List<float[]>> aloneLogits = new ArrayList<>();
        int[][] aloneIds = new int[sequences][tokens];
        for (int s = 0; s < sequences; s++) {
            DecodeState state = prefilled(decoder, prompts[s], tokens);
            List<float[]> steps = new ArrayList<>();
            float[] logits = prefillLogits(decoder, prompts[s]);
            for (int t = 0; t < tokens; t++) {
                aloneIds[s][t] = argmax(logits);
                logits = state.next(aloneIds[s][t], prompts[s].length + t).clone();
                steps.add(logits);
            }
            aloneLogits.add(steps);
        }

        DecodeState[] states = new DecodeState[sequences];
        int[] done = new int[sequences];
        int[][] batchIds = new int[sequences][tokens];
        for (int s = 0; s < sequences; s++) {
            states[s] = prefilled(decoder, prompts[s], tokens);
            batchIds[s][0] = argmax(prefillLogits(decoder, prompts[s]));
        }
        DecodeBatch batch = new DecodeBatch(decoder);
        int largest = 0;
        for (int step = 0; ; step++) {
            DecodeState[] rows = new DecodeState[sequences];
            int[] who = new int[sequences];
            int[] ids = new int[sequences];
            int[] positions = new int[sequences];
            int n = 0;
            for (int s = 0; s < sequences; s++) {
                if (s <= step && done[s] < tokens) {
                    rows[n] = states[s];
                    who[n] = s;
                    ids[n] = batchIds[s][done[s]];
                    positions[n] = prompts[s].length + done[s];
                    n++;
                }
            }
            if (n == 0) {
                break;
            }
            largest = Math.max(largest, n);
            batch.step(rows, ids, positions, n);
            for (int r = 0; r < n; r++) {
                int s = who[r];
                float[] logits = states[s].logits();
                assertClose("sequence " + s + " step " + done[s] + " in a batch of " + n,
                        aloneLogits.get(s).get(done[s]), logits);
                done[s]++;
                if (done[s] < tokens) {
                    batchIds[s][done[s]] = argmax(logits);
                }
            }
        }
        assertEquals(sequences, largest, "every sequence was in the batch at once");
        for (int s = 0; s < sequences; s++) {
            assertArrayEquals(aloneIds[s], batchIds[s], "greedy ids of sequence " + s);
            assertEquals(prompts[s].length + tokens, states[s].cache().length(config.numHiddenLayers() - 1));
        }
    }

    private static DecodeState prefilled(LlamaDecoder decoder, int[] prompt, int tokens) {
        KvCache cache = decoder.newCache(prompt.length + tokens);
        decoder.prefill(cache, new PromptRows(embed(decoder, prompt), LlamaDecoderTest.range(0, prompt.length),
                prompt.length, decoder.config().hiddenSize()), null);
        return decoder.decodeState(cache);
    }

    private static float[] prefillLogits(LlamaDecoder decoder, int[] prompt) {
        float[] x = embed(decoder, prompt);
        decoder.forwardLayers(x, prompt.length, LlamaDecoderTest.range(0, prompt.length), 0,
                decoder.config().numHiddenLayers());
        float[] logits = new float[decoder.config().vocabSize()];
        decoder.logits(x, prompt.length - 1, logits);
        return logits;
    }

    private static float[] embed(LlamaDecoder decoder, int[] ids) {
        int d = decoder.config().hiddenSize();
        float[] x = new float[ids.length * d];
        for (int t = 0; t < ids.length; t++) {
            decoder.embed(ids[t], x, t * d);
        }
        return x;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private static void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(expected[i] - actual[i]) <= LOGIT_TOL,
                    what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]);
        }
    }
}
