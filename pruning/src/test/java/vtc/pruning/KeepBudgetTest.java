package vtc.pruning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class KeepBudgetTest {

    @Test
    void countsAreCappedAtN() {
        assertEquals(64, KeepBudget.parse("64").resolve(576));
        assertEquals(64, KeepBudget.parse("100").resolve(64));
    }

    @Test
    void fractionsRoundToTheNearestCountAndKeepAtLeastOne() {
        assertEquals(144, KeepBudget.parse("0.25").resolve(576));
        assertEquals(16, KeepBudget.parse("0.25").resolve(64));
        assertEquals(9, KeepBudget.parse("0.25").resolve(36));
        assertEquals(13, KeepBudget.parse("0.2").resolve(64)); // 12.8
        assertEquals(1, KeepBudget.parse("0.001").resolve(64));
        assertEquals(64, KeepBudget.parse("1.0").resolve(64));
    }

    @Test
    void unusableValuesAreRejected() {
        for (String bad : new String[] {"0", "-4", "0.0", "1.5", "NaN.", "", "12a", null}) {
            assertEquals("--keep", assertThrows(PruningOptionException.class, () -> KeepBudget.parse(bad)).option(),
                    String.valueOf(bad));
        }
    }
}
