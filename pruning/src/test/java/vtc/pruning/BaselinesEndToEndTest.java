package vtc.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import vtc.engine.llava.GenerationRequest;
import vtc.engine.llava.GenerationResult;
import vtc.engine.prune.TokenSelector;
import vtc.fixtures.Fixtures;

/** The baselines and the no-pruning limits through the real model. */
class BaselinesEndToEndTest {

    /** Keeping everything, by name or by U ≥ N, is exactly the golden unpruned run. */
    @Test
    void keepingEverythingIsTheUnprunedRun() {
        try (LoadedFixture f = LoadedFixture.open(Fixtures.TINY_LLAVA)) {
            int[] fullIds = f.golden().ints("greedy.runs.full.generated_ids");
            for (TokenSelector selector : new TokenSelector[] {
                    new NoPruning(),
                    new VtcCls(3, KeepBudget.count(64)),
                    new UniformSelection(KeepBudget.fraction(1.0)),
                    new FastV(1, KeepBudget.count(64))}) {
                GenerationResult result = run(f, selector);
                assertArrayEquals(TopK.allIndices(64), result.keptIndices(), selector.toString());
                assertEquals(64, result.imageRows(), selector.toString());
                assertArrayEquals(fullIds, result.generatedIds(), selector.toString());
            }
        }
    }

    /** The engine keeps exactly the patches the baseline chose. */
    @Test
    void baselinesReachTheDecoderWithTheirOwnChoice() {
        try (LoadedFixture f = LoadedFixture.open(Fixtures.TINY_LLAVA)) {
            for (TokenSelector selector : new TokenSelector[] {
                    new RandomSelection(11, KeepBudget.count(16)),
                    new UniformSelection(KeepBudget.fraction(0.25))}) {
                int[] chosen = ((PatchSelection) selector.begin(f.model().visionShape())).keep();
                GenerationResult result = run(f, selector);
                assertArrayEquals(chosen, result.keptIndices(), selector.toString());
                assertEquals(16, result.keptIndices().length, selector.toString());
            }
        }
    }

    private static GenerationResult run(LoadedFixture f, TokenSelector selector) {
        return f.model().generate(new GenerationRequest(f.pixels(), f.promptIds(), selector,
                LoadedFixture.GOLDEN_GREEDY), null);
    }
}
