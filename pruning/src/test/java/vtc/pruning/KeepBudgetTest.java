package vtc.pruning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class KeepBudgetTest {

    @Test
    void countsAreCappedAtN() {
        assertEquals(64, KeepBudget.count(64).resolve(576));
        assertEquals(64, KeepBudget.count(100).resolve(64));
    }

    @Test
    void fractionsRoundToTheNearestCountAndKeepAtLeastOne() {
        assertEquals(144, KeepBudget.fraction(0.25).resolve(576));
        assertEquals(16, KeepBudget.fraction(0.25).resolve(64));
        assertEquals(9, KeepBudget.fraction(0.25).resolve(36));
        assertEquals(13, KeepBudget.fraction(0.2).resolve(64)); // 12.8
        assertEquals(1, KeepBudget.fraction(0.001).resolve(64));
        assertEquals(64, KeepBudget.fraction(1.0).resolve(64));
    }

    @Test
    void unusableValuesNameTheParameter() {
        assertEquals("keep", assertThrows(PruningParameterException.class, () -> KeepBudget.count(0)).parameter());
        assertEquals("keep", assertThrows(PruningParameterException.class, () -> KeepBudget.count(-4)).parameter());
        for (double bad : new double[] {0, 1.5, Double.NaN, -0.5}) {
            assertEquals("keep", assertThrows(PruningParameterException.class, () -> KeepBudget.fraction(bad)).parameter(),
                    String.valueOf(bad));
        }
    }
}
