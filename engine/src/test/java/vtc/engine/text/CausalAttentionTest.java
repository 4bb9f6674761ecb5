package vtc.engine.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static vtc.engine.NaiveOps.attentionProbs;
import static vtc.engine.NaiveOps.gaussian;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import vtc.engine.kernels.Parallel;

/**
 * Causal grouped-query attention against a double-precision reference written from the
 * definition: row i attends to the cache entries whose position is at most its own. Cases take
 * the tiled prompt path at the real head size (64, whole 4-vector column tiles) and at a size
 * that leaves scalar columns (24), with partial query tiles, position gaps (as after FastV) and
 * earlier entries already in the cache; and the row-by-row decode path (one and three rows).
 * Inputs are N(0, 1), so float32 rounding stays near 1e-6 relative on outputs of magnitude ≤ 3:
 * 2e-5 absolute (1e-6 on probabilities) catches any wrong index or mask (errors of order 0.1).
 */
class CausalAttentionTest {

    @ParameterizedTest
    @CsvSource({"8, 2, 64, 5, 11", "4, 4, 64, 0, 16", "6, 2, 24, 3, 9", "4, 2, 64, 20, 1", "4, 1, 64, 7, 3"})
    void matchesTheDefinition(int heads, int kvHeads, int headDim, int earlier, int rows) {
        LlamaConfig config = new LlamaConfig(10, heads * headDim, 8, 1, heads, kvHeads, headDim, "silu", 4096,
                1e-5, 10000, false, 1, new int[] {2});
        int qDim = heads * headDim;
        int kvDim = kvHeads * headDim;
        Random random = new Random(heads * 1000L + headDim * 10L + rows);
        int[] earlierPositions = new int[earlier];
        int[] positions = new int[rows];
        int p = 0;
        for (int i = 0; i < earlier; i++) {
            earlierPositions[i] = p;
            p += 1 + random.nextInt(3);
        }
        for (int i = 0; i < rows; i++) {
            positions[i] = p;
            p += 1 + random.nextInt(3);
        }
        KvCache cache = new KvCache(1, kvDim, earlier + rows);
        if (earlier > 0) {
            cache.append(0, gaussian(random, earlier * kvDim), gaussian(random, earlier * kvDim), earlier,
                    earlierPositions);
        }
        cache.append(0, gaussian(random, rows * kvDim), gaussian(random, rows * kvDim), rows, positions);
        LayerActivations act = new LayerActivations(config, rows, cache.capacity());
        System.arraycopy(gaussian(random, rows * qDim), 0, act.q, 0, rows * qDim);

        try (Parallel parallel = new Parallel(2)) {
            act.attention.compute(parallel, cache, 0, rows, positions, true);
        }

        float[] keys = cache.keys(0);
        float[] values = cache.values(0);
        double[] headMean = new double[earlier + rows];
        for (int h = 0; h < heads; h++) {
            int kvCol = h / (heads / kvHeads) * headDim;
            for (int i = 0; i < rows; i++) {
                int seen = earlier + i + 1;
                double[] probs = attentionProbs(act.q, i * qDim + h * headDim, keys, kvCol, kvDim, seen, headDim);
                for (int c = 0; c < headDim; c++) {
                    double expected = 0;
                    for (int j = 0; j < seen; j++) {
                        expected += probs[j] * values[j * kvDim + kvCol + c];
                    }
                    assertEquals(expected, act.attended[i * qDim + h * headDim + c], 2e-5,
                            "head " + h + " row " + i + " column " + c);
                }
                if (i == rows - 1) {
                    for (int j = 0; j < seen; j++) {
                        headMean[j] += probs[j] / heads;
                    }
                }
            }
        }
        for (int j = 0; j < earlier + rows; j++) {
            assertEquals(headMean[j], act.headMean[j], 1e-6, "last row's head-mean probability of key " + j);
        }
    }


}
