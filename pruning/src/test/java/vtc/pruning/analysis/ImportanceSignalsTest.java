package vtc.pruning.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import vtc.fixtures.Fixtures;
import vtc.fixtures.Golden;
import vtc.fixtures.Tolerance;
import vtc.pruning.LoadedFixture;

/** The Figure-2 signals measured through the real model of the F32 fixture. */
class ImportanceSignalsTest {

    @Test
    void bothSignalsMatchTheReference() {
        try (LoadedFixture f = LoadedFixture.open(Fixtures.TINY_LLAVA)) {
            ImportanceSignals signals = ImportanceSignals.measure(f.model(), f.pixels(), f.promptIds(), 4);
            Golden golden = f.golden();
            // F = 4 leaves 5 layers, so K = 4 is available; the fixture has goldens for K = 1..3.
            assertEquals(4, signals.clsScoresByK().length);
            for (int k = 1; k <= 3; k++) {
                // 1e-5: float32 ViT vs float64 reference differ by at most 3.1e-7 on these scores
                Tolerance.assertClose("cls K=" + k, golden.floats("vtc.scores.k" + k), signals.clsScoresByK()[k - 1], 1e-5);
            }
            // FastV's attention_row of setting kK_* is this signal in decoder layer K−1; 1e-6 is the
            // fixture README's bound for a float32 engine (float32 calibration 9.1e-8)
            assertEquals(3, signals.llmAttention().length);
            Tolerance.assertClose("llm layer 0", golden.floats("fastv.k1_u8.attention_row"), signals.llmAttention()[0], 1e-6);
            Tolerance.assertClose("llm layer 1", golden.floats("fastv.k2_u8.attention_row"), signals.llmAttention()[1], 1e-6);

            int[] keeps = {ClsLlmAgreement.scaledKeep(64, 64), ClsLlmAgreement.scaledKeep(128, 64)};
            List<AgreementPoint> table = ClsLlmAgreement.table(signals.clsScoresByK(), signals.llmAttention(), keeps);
            assertEquals(4 * 3 * 2, table.size());
            // Where the fixture has both vectors, the table must agree with the reference vectors:
            // overlaps exactly (their U-th/(U+1)-th gaps are ≥ 0.9 % relative, far above float32
            // noise), ρ within 1e-3 (one swap of neighbouring ranks among 64 moves it 4.6e-5).
            String[] llmRows = {"fastv.k1_u8.attention_row", "fastv.k2_u8.attention_row"};
            for (AgreementPoint point : table) {
                if (point.clsLayers() <= 3 && point.llmLayer() <= 1) {
                    float[] cls = golden.floats("vtc.scores.k" + point.clsLayers());
                    float[] llm = golden.floats(llmRows[point.llmLayer()]);
                    assertEquals(TopOverlap.of(cls, llm, point.keep()), point.overlap(), point.toString());
                    assertEquals(SpearmanCorrelation.of(cls, llm), point.spearman(), 1e-3, point.toString());
                }
            }
        }
    }
}
