package vtc.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import vtc.fixtures.Golden;
import vtc.fixtures.Tolerance;

/**
 * VTC-CLS pruned runs with the golden kept patch indices fed through a fixed selector (the real
 * selector is tested by the pruning module): compaction, projector on the kept rows only, the
 * shorter prompt with contiguous positions. Logits within 1e-3: a float32 run was measured at
 * 1.9e-5 from the float64 reference; the smallest top-1/top-2 gap of the pruned runs is 0.0146.
 */
class PrunedConformanceTest {

    /** Every (fixture, "k<K>_u<U>") with a golden {@code llm.logits_last}. */
    static Stream<Arguments> prunedRuns() {
        List<Arguments> runs = new ArrayList<>();
        for (String name : FixtureModel.NAMES) {
            Golden golden = Golden.of(name);
            for (var k : golden.at("vtc.by_k").getAsJsonObject().entrySet()) {
                for (String u : k.getValue().getAsJsonObject().getAsJsonObject("selected").keySet()) {
                    runs.add(Arguments.of(name, k.getKey() + "_" + u));
                }
            }
        }
        return runs.stream();
    }

    /** Every (fixture, run) of {@code greedy.runs} except the unpruned one. */
    static Stream<Arguments> prunedGreedyRuns() {
        List<Arguments> runs = new ArrayList<>();
        for (String name : FixtureModel.NAMES) {
            for (String run : Golden.of(name).at("greedy.runs").getAsJsonObject().keySet()) {
                if (!run.equals("full")) {
                    runs.add(Arguments.of(name, run));
                }
            }
        }
        return runs.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("prunedRuns")
    void lastPositionLogits(String name, String run) {
        FixtureModel f = FixtureModel.of(name);
        List<float[]> logits = new ArrayList<>();
        GenerationResult result = generate(f, run, 1, logits);
        assertArrayEquals(keptIndices(f, run), result.keptIndices());
        Tolerance.assertClose(name + " llm.logits_last." + run, f.golden.floats("llm.logits_last." + run), logits.get(0), 1e-3);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("prunedGreedyRuns")
    void greedyIdsAndStepLogits(String name, String run) {
        FixtureModel f = FixtureModel.of(name);
        int[] expected = f.golden.ints("greedy.runs." + run + ".generated_ids");
        List<float[]> logits = new ArrayList<>();
        GenerationResult result = generate(f, run, expected.length, logits);
        assertArrayEquals(expected, result.generatedIds(), name + " " + run);
        float[] golden = f.golden.floats("llm.greedy_step_logits." + run);
        int vocab = f.model.config().text().vocabSize();
        assertEquals(expected.length, logits.size());
        for (int step = 0; step < expected.length; step++) {
            Tolerance.assertClose(name + " greedy_step_logits." + run + "[" + step + "]",
                    Arrays.copyOfRange(golden, step * vocab, (step + 1) * vocab), logits.get(step), 1e-3);
        }
        assertTrue(result.timings().visionMs() >= 0 && result.timings().decodeMs() >= 0);
    }

    private static GenerationResult generate(FixtureModel f, String run, int tokens, List<float[]> stepLogits) {
        GenerationRequest request = new GenerationRequest(f.pixels(), f.promptIds(),
                FixtureModel.fixedPatches(keptIndices(f, run)), new GenerationOptions(tokens, 0, 1, 0, false));
        return f.model.generate(request, (step, token, logits) -> stepLogits.add(logits.clone()));
    }

    /** {@code vtc.by_k.k<K>.selected.u<U>} for run {@code k<K>_u<U>}. */
    private static int[] keptIndices(FixtureModel f, String run) {
        String[] parts = run.split("_");
        return f.golden.ints("vtc.by_k." + parts[0] + ".selected." + parts[1]);
    }
}
