package vtc.pruning.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TopOverlapTest {

    private static final float[] DOWN = {5, 4, 3, 2, 1};
    private static final float[] UP = {1, 2, 3, 4, 5};

    /** Opposite orders: top-2 are {0,1} and {3,4}, top-3 share only token 2, top-5 share all. */
    @Test
    void shareOfTheTopListsInCommon() {
        assertEquals(0.0, TopOverlap.of(DOWN, UP, 2));
        assertEquals(1.0 / 3, TopOverlap.of(DOWN, UP, 3), 1e-15);
        assertEquals(1.0, TopOverlap.of(DOWN, UP, 5));
        assertEquals(1.0, TopOverlap.of(DOWN, new float[] {50, 40, 30, 20, 10}, 2));
    }

    /** Ties resolved as pruning resolves them: {0,0,0,0,1} top-2 = {4, 0}, against {4, 1}: 1 of 2. */
    @Test
    void tiesFollowThePruningRule() {
        assertEquals(0.5, TopOverlap.of(new float[] {0, 0, 0, 0, 1}, new float[] {0, 2, 0, 0, 3}, 2));
    }

    @Test
    void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> TopOverlap.of(DOWN, UP, 0));
        assertThrows(IllegalArgumentException.class, () -> TopOverlap.of(DOWN, UP, 6));
        assertThrows(IllegalArgumentException.class, () -> TopOverlap.of(DOWN, new float[] {1}, 1));
    }
}
