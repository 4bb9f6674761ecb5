package vtc.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;
import vtc.engine.prune.TokenSelector;
import vtc.pruning.FastV;
import vtc.pruning.KeepBudget;
import vtc.pruning.NoPruning;
import vtc.pruning.PruMerge;
import vtc.pruning.PruMergePlus;
import vtc.pruning.RandomSelection;
import vtc.pruning.UniformSelection;
import vtc.pruning.VtcCls;

/** {@code --method --layers --keep --top --stride} to selectors, and the options each method refuses. */
class PruningArgumentsTest {

    private static TokenSelector selector(String... args) {
        CommandLine line = CommandLine.parse("generate", args, PruningArguments.OPTIONS, Set.of());
        return PruningArguments.selector(line, "vtc-cls");
    }

    @Test
    void vtcClsWithThePaperDefaults() {
        VtcCls vtc = assertInstanceOf(VtcCls.class, selector());
        assertEquals(3, vtc.layers());
        assertEquals(KeepBudget.count(64), vtc.keepBudget());
    }

    @Test
    void fastVTakesLayersAndAFraction() {
        FastV fastV = assertInstanceOf(FastV.class, selector("--method", "FastV", "--layers", "3", "--keep", "0.25"));
        assertEquals(3, fastV.layer());
        assertEquals(KeepBudget.fraction(0.25), fastV.keepBudget());
        assertEquals(2, assertInstanceOf(FastV.class, selector("--method", "fastv")).layer());
    }

    @Test
    void baselines() {
        assertInstanceOf(RandomSelection.class, selector("--method", "random", "--keep", "16", "--seed", "5"));
        assertInstanceOf(UniformSelection.class, selector("--method", "uniform", "--keep", "16"));
        assertInstanceOf(NoPruning.class, selector("--method", " none "));
        assertInstanceOf(PruMerge.class, selector("--method", "prumerge"));
    }

    @Test
    void pruMergePlusFromTheOfficialPresetsOrFromTopAndStride() {
        PruMergePlus preset = assertInstanceOf(PruMergePlus.class, selector("--method", "prumerge+", "--keep", "128"));
        assertEquals(40, preset.top());
        assertEquals(6, preset.stride());
        PruMergePlus byDefault = assertInstanceOf(PruMergePlus.class, selector("--method", "prumerge+"));
        assertEquals(13, byDefault.top());
        assertEquals(11, byDefault.stride());
        PruMergePlus own = assertInstanceOf(PruMergePlus.class,
                selector("--method", "prumerge+", "--top", "3", "--stride", "4"));
        assertEquals(3, own.top());
        assertEquals(4, own.stride());
    }

    @Test
    void errorsNameTheOption() {
        assertUsage("--method: unknown method \"sparsevlm\"", "--method", "sparsevlm");
        assertUsage("--layers: expected a whole number", "--layers", "three");
        assertUsage("--layers: random does not take it", "--method", "random", "--layers", "2");
        assertUsage("--keep: expected a count such as 64", "--keep", "lots");
        assertUsage("--keep: none does not take it", "--method", "none", "--keep", "64");
        assertUsage("--keep: prumerge does not take it", "--method", "prumerge", "--keep", "64");
        assertUsage("--top: vtc-cls does not take it", "--top", "3");
        assertUsage("--stride: prumerge+ takes top and stride together", "--method", "prumerge+", "--top", "3");
        assertUsage("--keep: prumerge+ takes either", "--method", "prumerge+", "--keep", "64", "--top", "3",
                "--stride", "2");
    }

    private static void assertUsage(String messageStart, String... args) {
        var e = assertThrows(UsageException.class, () -> selector(args));
        assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
    }
}
