package vtc.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vtc.fixtures.Fixtures;
import vtc.fixtures.Golden;

/** FastV's choice from the reference attention rows of both fixtures. */
class FastVGoldenTest {

    static Stream<Arguments> settings() {
        return Stream.of(Fixtures.TINY_LLAVA, Fixtures.TINY_LLAVA_BF16).flatMap(fixture -> {
            Golden golden = Golden.of(fixture);
            return golden.at("fastv.by_setting").getAsJsonObject().keySet().stream()
                    .map(setting -> Arguments.of(fixture, setting));
        });
    }

    @ParameterizedTest
    @MethodSource("settings")
    void keepsTheReferenceImageTokens(String fixture, String setting) {
        Golden golden = Golden.of(fixture);
        String[] kAndU = setting.split("_");
        int k = Integer.parseInt(kAndU[0].substring(1));
        int u = Integer.parseInt(kAndU[1].substring(1));
        FastV fastV = new FastV(k, KeepBudget.count(u));
        assertEquals(k, fastV.layer());
        assertArrayEquals(golden.ints("fastv.by_setting." + setting + ".kept_image_indices"),
                fastV.keep(golden.floats("fastv." + setting + ".attention_row")), fixture + " " + setting);
    }

    @Test
    void layerZeroIsNotFastV() {
        assertEquals("layers", assertThrows(PruningParameterException.class,
                () -> new FastV(0, KeepBudget.count(8))).parameter());
    }

    @Test
    void keepingEverythingAndTies() {
        FastV fastV = new FastV(2, KeepBudget.count(2));
        assertArrayEquals(new int[] {0, 2}, fastV.keep(new float[] {0.3f, 0.1f, 0.3f, 0.3f}));
        assertArrayEquals(new int[] {0, 1}, fastV.keep(new float[] {0.3f, 0.1f}));
        assertArrayEquals(new int[] {1, 3}, new FastV(1, KeepBudget.fraction(0.5)).keep(new float[] {0, 2, 1, 3}));
    }
}
