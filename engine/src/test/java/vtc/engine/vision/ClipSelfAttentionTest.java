package vtc.engine.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static vtc.engine.NaiveOps.attentionProbs;
import static vtc.engine.NaiveOps.gaussian;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import vtc.engine.kernels.Parallel;

/**
 * The tiled ViT attention against a double-precision reference written straight from the
 * definition {@code softmax(QKᵀ/√dh) V}, at head sizes that take every path of the tiles: the
 * real ViT-L head (64: whole 4-vector column tiles), a head that leaves scalar columns (80, 24)
 * and token counts that leave partial query tiles and padded keys (37, 577). Inputs are
 * N(0, 1), so scores are O(√dh) and float32 rounding of the sums stays near 1e-6 relative;
 * 2e-5 absolute on outputs of magnitude ≤ 1 (and 1e-6 on probabilities) leaves room for that
 * and catches any wrong index (errors of order 0.1).
 */
class ClipSelfAttentionTest {

    @ParameterizedTest
    @CsvSource({"37, 2, 64", "577, 2, 64", "37, 3, 80", "9, 4, 24"})
    void matchesTheDefinitionPerHead(int tokens, int heads, int headDim) {
        int d = heads * headDim;
        Random random = new Random(tokens * 31L + headDim);
        float[] q = gaussian(random, tokens * d);
        float[] k = gaussian(random, tokens * d);
        float[] v = gaussian(random, tokens * d);
        float[] attended = new float[tokens * d];
        float[] clsProbs = new float[heads * tokens];
        try (Parallel parallel = new Parallel(2)) {
            new ClipSelfAttention(tokens, d, headDim, q, k, v, attended, clsProbs).compute(parallel, heads, true);
        }
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < tokens; i++) {
                double[] p = attentionProbs(q, i * d + h * headDim, k, h * headDim, d, tokens, headDim);
                for (int c = 0; c < headDim; c++) {
                    double expected = 0;
                    for (int j = 0; j < tokens; j++) {
                        expected += p[j] * v[j * d + h * headDim + c];
                    }
                    assertEquals(expected, attended[i * d + h * headDim + c], 2e-5,
                            "head " + h + " query " + i + " column " + c);
                }
                if (i == 0) {
                    for (int j = 0; j < tokens; j++) {
                        assertEquals(p[j], clsProbs[h * tokens + j], 1e-6, "[CLS] probability, head " + h + " key " + j);
                    }
                }
            }
        }
    }


}
