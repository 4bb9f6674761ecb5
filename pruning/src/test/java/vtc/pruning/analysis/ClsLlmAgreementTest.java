package vtc.pruning.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import vtc.engine.prune.VisionShape;
import vtc.fixtures.Fixtures;
import vtc.fixtures.Golden;
import vtc.fixtures.Tolerance;

class ClsLlmAgreementTest {

    /** U·N/576 rounded: 64 and 128 of 576 become 7 and 14 of 64, 4 and 8 of 36. */
    @Test
    void paperKeepsScaleToSmallModels() {
        assertEquals(64, ClsLlmAgreement.scaledKeep(64, 576));
        assertEquals(7, ClsLlmAgreement.scaledKeep(64, 64));
        assertEquals(14, ClsLlmAgreement.scaledKeep(128, 64));
        assertEquals(4, ClsLlmAgreement.scaledKeep(64, 36));
        assertEquals(8, ClsLlmAgreement.scaledKeep(128, 36));
        assertEquals(1, ClsLlmAgreement.scaledKeep(64, 4));
    }

    @Test
    void oneRowPerKLayerAndU() {
        float[][] cls = {{4, 3, 2, 1}, {1, 2, 3, 4}};
        float[][] llm = {{4, 3, 2, 1}, {0, 0, 1, 1}, {1, 2, 3, 4}};
        List<AgreementPoint> table = ClsLlmAgreement.table(cls, llm, new int[] {1, 2});
        assertEquals(2 * 3 * 2, table.size());
        assertEquals(new AgreementPoint(1, 2, 0, 1.0, 1.0), table.get(1));
        AgreementPoint opposite = table.get(5); // K=1, LLM layer 2, U=2
        assertEquals(new AgreementPoint(1, 2, 2, 0.0, -1.0), opposite);
        // K=2 against layer 1: ranks (1,2,3,4) and (1.5,1.5,3.5,3.5): ρ = 4/√20 = 2/√5
        AgreementPoint tied = table.get(9);
        assertEquals(2, tied.clsLayers());
        assertEquals(1, tied.llmLayer());
        assertEquals(2 / Math.sqrt(5), tied.spearman(), 1e-12);
    }

    /** The recorder behind the analysis gives the golden VTC scores for every K from one pass. */
    @Test
    void recorderReproducesTheGoldenScores() {
        Golden golden = Golden.of(Fixtures.TINY_LLAVA);
        int[] shape = golden.shape("vision.cls_attention");
        float[] rows = golden.floats("vision.cls_attention");
        ClsAttentionRecorder recorder = new ClsAttentionRecorder(new VisionShape(shape[0] - 2, shape[1], 8), 3);
        for (int layer = 0; layer < shape[0] - 1; layer++) {
            for (int head = 0; recorder.wantsLayer(layer) && head < shape[1]; head++) {
                recorder.clsAttention(layer, head, rows, (layer * shape[1] + head) * shape[2], shape[2]);
            }
        }
        for (int k = 1; k <= 3; k++) {
            // 1e-5: float64 reference sums of the same rows (float32 calibration 3.1e-7)
            Tolerance.assertClose("vtc.scores.k" + k, golden.floats("vtc.scores.k" + k), recorder.scores(k), 1e-5);
        }
        assertThrows(IllegalArgumentException.class, () -> recorder.scores(4));
    }
}
