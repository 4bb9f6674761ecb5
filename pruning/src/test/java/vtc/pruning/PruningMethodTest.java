package vtc.pruning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code --method}, {@code --layers}, {@code --keep} to selectors. */
class PruningMethodTest {

    @Test
    void vtcClsWithThePaperDefaults() {
        PruningMethod.Plan plan = PruningMethod.parse("vtc-cls").plan(null, null, 0);
        VtcCls vtc = assertInstanceOf(VtcCls.class, plan.visual());
        assertEquals(3, vtc.layers());
        assertEquals(KeepBudget.count(64), vtc.keepBudget());
        assertTrue(plan.decoder().isEmpty());
    }

    @Test
    void fastVPrunesInsideTheDecoderOnly() {
        PruningMethod.Plan plan = PruningMethod.parse("FastV").plan("3", "0.25", 0);
        assertInstanceOf(NoPruning.class, plan.visual());
        FastV fastV = assertInstanceOf(FastV.class, plan.decoder().orElseThrow());
        assertEquals(3, fastV.layer());
        assertEquals(KeepBudget.fraction(0.25), fastV.keepBudget());
        assertEquals(2, ((FastV) PruningMethod.FASTV.plan(null, null, 0).decoderOrNull()).layer());
    }

    @Test
    void baselines() {
        assertInstanceOf(RandomSelection.class, PruningMethod.parse("random").plan(null, "16", 5).visual());
        assertInstanceOf(UniformSelection.class, PruningMethod.parse("uniform").plan(null, "16", 0).visual());
        assertInstanceOf(NoPruning.class, PruningMethod.parse(" none ").plan(null, null, 0).visual());
    }

    @Test
    void errorsNameTheOption() {
        assertEquals("--method", optionAtFault(() -> PruningMethod.parse("sparsevlm")));
        assertEquals("--layers", optionAtFault(() -> PruningMethod.VTC_CLS.plan("0", null, 0)));
        assertEquals("--layers", optionAtFault(() -> PruningMethod.VTC_CLS.plan("three", null, 0)));
        assertEquals("--layers", optionAtFault(() -> PruningMethod.FASTV.plan("0", null, 0)));
        assertEquals("--layers", optionAtFault(() -> PruningMethod.RANDOM.plan("2", null, 0)));
        assertEquals("--keep", optionAtFault(() -> PruningMethod.VTC_CLS.plan(null, "-1", 0)));
        assertEquals("--keep", optionAtFault(() -> PruningMethod.VTC_CLS.plan(null, "1.5", 0)));
        assertEquals("--keep", optionAtFault(() -> PruningMethod.VTC_CLS.plan(null, "lots", 0)));
        assertEquals("--keep", optionAtFault(() -> PruningMethod.NONE.plan(null, "64", 0)));
    }

    private static String optionAtFault(Runnable parse) {
        return assertThrows(PruningOptionException.class, parse::run).option();
    }
}
