package vtc.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vtc.engine.llava.GenerationOptions;
import vtc.engine.llava.GenerationRequest;
import vtc.engine.llava.GenerationResult;
import vtc.fixtures.Fixtures;
import vtc.fixtures.Golden;
import vtc.fixtures.Tolerance;

/**
 * VTC-CLS through the real ViT and decoder of both fixtures: the engine's own [CLS] rows must
 * select the reference patches, and the shortened prompt must give the reference logits and
 * greedy tokens.
 */
class VtcClsEndToEndTest {

    static Stream<Arguments> settings() {
        return Stream.of(Fixtures.TINY_LLAVA, Fixtures.TINY_LLAVA_BF16).flatMap(fixture -> {
            Golden golden = Golden.of(fixture);
            int[] us = golden.ints("vtc.U");
            return Arrays.stream(golden.ints("vtc.K")).boxed()
                    .flatMap(k -> Arrays.stream(us).mapToObj(u -> Arguments.of(fixture, k, u)));
        });
    }

    /** Every pruned greedy run of golden.json ("k3_u16", ...), per fixture. */
    static Stream<Arguments> greedyRuns() {
        return Stream.of(Fixtures.TINY_LLAVA, Fixtures.TINY_LLAVA_BF16).flatMap(fixture ->
                Golden.of(fixture).at("greedy.runs").getAsJsonObject().keySet().stream()
                        .filter(run -> !run.equals("full"))
                        .map(run -> Arguments.of(fixture, run)));
    }

    /**
     * Kept patches exactly; scores within 1e-5 (a float32 ViT differs from the float64 reference
     * by at most 3.1e-7 on these scores); last-position logits within 1e-3 (the fixture README's
     * bound for a float32 engine; float32 calibration 1.9e-5).
     */
    @ParameterizedTest
    @MethodSource("settings")
    void selectsTheReferencePatchesAndGivesTheReferenceLogits(String fixture, int k, int u) {
        try (LoadedFixture f = LoadedFixture.open(fixture)) {
            VtcCls vtc = new VtcCls(k, KeepBudget.count(u));
            VtcCls.Score selection = vtc.begin(f.model().visionShape());
            f.model().vision().patchFeatures(f.pixels(), selection, null);
            Tolerance.assertClose(fixture + " vtc.scores.k" + k, f.golden().floats("vtc.scores.k" + k),
                    selection.scores(), 1e-5);
            int[] expected = f.golden().ints("vtc.by_k.k" + k + ".selected.u" + u);
            assertArrayEquals(expected, selection.keep());

            List<float[]> logits = new ArrayList<>();
            GenerationResult result = f.model().generate(
                    new GenerationRequest(f.pixels(), f.promptIds(), vtc, new GenerationOptions(1, 0, 1, 0, false)),
                    (step, token, stepLogits) -> logits.add(stepLogits.clone()));
            assertArrayEquals(expected, result.keptIndices());
            Tolerance.assertClose(fixture + " llm.logits_last.k" + k + "_u" + u,
                    f.golden().floats("llm.logits_last.k" + k + "_u" + u), logits.get(0), 1e-3);
        }
    }

    /** Same 8 greedy tokens, and every step's logits within 1e-3 of the reference. */
    @ParameterizedTest
    @MethodSource("greedyRuns")
    void generatesTheReferenceTokens(String fixture, String run) {
        try (LoadedFixture f = LoadedFixture.open(fixture)) {
            String[] kAndU = run.split("_");
            VtcCls vtc = new VtcCls(Integer.parseInt(kAndU[0].substring(1)),
                    KeepBudget.count(Integer.parseInt(kAndU[1].substring(1))));
            List<float[]> logits = new ArrayList<>();
            GenerationResult result = f.model().generate(
                    new GenerationRequest(f.pixels(), f.promptIds(), vtc, LoadedFixture.GOLDEN_GREEDY),
                    (step, token, stepLogits) -> logits.add(stepLogits.clone()));
            assertArrayEquals(f.golden().ints("greedy.runs." + run + ".generated_ids"), result.generatedIds(),
                    fixture + " " + run);
            float[] reference = f.golden().floats("llm.greedy_step_logits." + run);
            int vocab = logits.get(0).length;
            for (int step = 0; step < logits.size(); step++) {
                Tolerance.assertClose(fixture + " " + run + " step " + step,
                        Arrays.copyOfRange(reference, step * vocab, (step + 1) * vocab), logits.get(step), 1e-3);
            }
        }
    }
}
