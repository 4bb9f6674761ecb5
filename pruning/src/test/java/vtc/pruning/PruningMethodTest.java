package vtc.pruning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import vtc.pruning.PruningMethod.Parameters;

/** The one table of methods: names, the parameters each takes, and the selectors they make. */
class PruningMethodTest {

    private static Parameters keep(KeepBudget keep) {
        return new Parameters(null, keep, null, null, 0);
    }

    @Test
    void everyMethodByItsNameMakesItsSelectorWithItsDefaults() {
        assertEquals(PruningMethod.VTC_CLS, PruningMethod.named(" VTC-CLS "));
        VtcCls vtc = assertInstanceOf(VtcCls.class, PruningMethod.VTC_CLS.selector(Parameters.DEFAULTS));
        assertEquals(VtcCls.DEFAULT_LAYERS, vtc.layers());
        assertEquals(KeepBudget.DEFAULT, vtc.keepBudget());
        FastV fastV = assertInstanceOf(FastV.class,
                PruningMethod.named("fastv").selector(new Parameters(3, KeepBudget.fraction(0.25), null, null, 0)));
        assertEquals(3, fastV.layer());
        assertInstanceOf(PruMerge.class, PruningMethod.named("prumerge").selector(Parameters.DEFAULTS));
        assertInstanceOf(RandomSelection.class, PruningMethod.named("random").selector(keep(KeepBudget.count(8))));
        assertInstanceOf(UniformSelection.class, PruningMethod.named("uniform").selector(Parameters.DEFAULTS));
        assertInstanceOf(NoPruning.class, PruningMethod.named("none").selector(Parameters.DEFAULTS));
        for (PruningMethod m : PruningMethod.values()) {
            assertEquals(m, PruningMethod.named(m.methodName()));
        }
    }

    @Test
    void pruMergePlusTakesTheOfficialPresetsOrItsOwnTopAndStride() {
        PruMergePlus preset = assertInstanceOf(PruMergePlus.class,
                PruningMethod.PRUMERGE_PLUS.selector(keep(KeepBudget.count(128))));
        assertEquals(40, preset.top());
        assertEquals(6, preset.stride());
        PruMergePlus own = assertInstanceOf(PruMergePlus.class,
                PruningMethod.PRUMERGE_PLUS.selector(new Parameters(null, null, 3, 4, 0)));
        assertEquals(3, own.top());
        assertEquals(4, own.stride());
    }

    @Test
    void refusalsNameTheParameter() {
        assertRefused("method", () -> PruningMethod.named("sparsevlm"));
        assertRefused("layers", () -> PruningMethod.RANDOM.selector(new Parameters(2, null, null, null, 0)));
        assertRefused("keep", () -> PruningMethod.PRUMERGE.selector(keep(KeepBudget.count(64))));
        assertRefused("top", () -> PruningMethod.VTC_CLS.selector(new Parameters(null, null, 3, null, 0)));
        assertRefused("stride", () -> PruningMethod.PRUMERGE_PLUS.selector(new Parameters(null, null, 3, null, 0)));
        assertRefused("keep", () -> PruningMethod.PRUMERGE_PLUS.selector(new Parameters(null, KeepBudget.count(64), 3, 4, 0)));
        assertRefused("keep", () -> PruningMethod.PRUMERGE_PLUS.selector(keep(KeepBudget.fraction(0.5))));
        assertRefused("layers", () -> PruningMethod.VTC_CLS.selector(new Parameters(0, null, null, null, 0)));
    }

    private static void assertRefused(String parameter, Runnable call) {
        PruningParameterException e = assertThrows(PruningParameterException.class, call::run);
        assertEquals(parameter, e.parameter(), e.getMessage());
        assertTrue(e.getMessage().startsWith(parameter + ": "), e.getMessage());
    }
}
