package vtc.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import vtc.engine.llava.GenerationRequest;
import vtc.engine.llava.GenerationResult;
import vtc.engine.prune.VisualTokenSelector;
import vtc.fixtures.Fixtures;

/** The baselines and the no-pruning limits, as the CLI would build them, through the real model. */
class BaselinesEndToEndTest {

    /** Keeping everything, by name or by U ≥ N, is exactly the golden unpruned run. */
    @Test
    void keepingEverythingIsTheUnprunedRun() {
        try (LoadedFixture f = LoadedFixture.open(Fixtures.TINY_LLAVA)) {
            int[] fullIds = f.golden().ints("greedy.runs.full.generated_ids");
            for (PruningMethod.Plan plan : new PruningMethod.Plan[] {
                    PruningMethod.NONE.plan(null, null, 0),
                    PruningMethod.VTC_CLS.plan("3", "64", 0),
                    PruningMethod.UNIFORM.plan(null, "1.0", 0),
                    PruningMethod.FASTV.plan("1", "64", 0)}) {
                GenerationResult result = run(f, plan);
                assertArrayEquals(TopK.allIndices(64), result.keptIndices(), plan.toString());
                assertArrayEquals(fullIds, result.generatedIds(), plan.toString());
            }
        }
    }

    /** The engine keeps exactly the patches the baseline chose. */
    @Test
    void baselinesReachTheDecoderWithTheirOwnChoice() {
        try (LoadedFixture f = LoadedFixture.open(Fixtures.TINY_LLAVA)) {
            for (PruningMethod.Plan plan : new PruningMethod.Plan[] {
                    PruningMethod.RANDOM.plan(null, "16", 11),
                    PruningMethod.UNIFORM.plan(null, "0.25", 0)}) {
                VisualTokenSelector.Selection chosen = plan.visual().begin(f.model().visionShape());
                GenerationResult result = run(f, plan);
                assertArrayEquals(chosen.keep(), result.keptIndices(), plan.toString());
                assertEquals(16, result.keptIndices().length, plan.toString());
            }
        }
    }

    private static GenerationResult run(LoadedFixture f, PruningMethod.Plan plan) {
        return f.model().generate(new GenerationRequest(f.pixels(), f.promptIds(), plan.visual(),
                plan.decoderOrNull(), LoadedFixture.GOLDEN_GREEDY), null);
    }
}
