package vtc.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import vtc.engine.prune.VisionShape;

/** VTC-CLS on hand-made [CLS] rows: ties, U ≥ N, the layer window and bad options. */
class VtcClsTest {

    /** 2×2 patches, 2 heads, feature layer 2 (layers 0..2 may be watched). */
    private static final VisionShape SHAPE = new VisionShape(2, 2, 2);

    /** Both heads put 1/4 on [CLS] and patches 1, 3 get twice the weight of patches 0, 2: two ties. */
    private static final float[] TIED_ROW = {0.25f, 0.125f, 0.25f, 0.125f, 0.25f};

    @Test
    void tiesAreBrokenByTheLowerIndex() {
        assertArrayEquals(new int[] {1}, feedTiedRows(1, 1).keep());
        assertArrayEquals(new int[] {1, 3}, feedTiedRows(1, 2).keep());
        assertArrayEquals(new int[] {0, 1, 3}, feedTiedRows(1, 3).keep());
    }

    @Test
    void scoreIsTheSumOverLayersOfTheHeadMean() {
        // mean over heads per layer is TIED_ROW's patch part; K = 2 layers doubles it (exact in binary)
        assertArrayEquals(new float[] {0.25f, 0.5f, 0.25f, 0.5f}, feedTiedRows(2, 1).scores());
    }

    @Test
    void watchesExactlyTheKLayersEndingAtTheFeatureLayer() {
        VtcCls.Score s = new VtcCls(2, KeepBudget.count(1)).begin(SHAPE);
        assertFalse(s.wantsLayer(0));
        assertTrue(s.wantsLayer(1));
        assertTrue(s.wantsLayer(2));
        assertFalse(s.wantsLayer(3));
    }

    @Test
    void keepingAtLeastNKeepsEverything() {
        assertArrayEquals(new int[] {0, 1, 2, 3}, feedTiedRows(1, 4).keep());
        assertArrayEquals(new int[] {0, 1, 2, 3}, feedTiedRows(1, 1000).keep());
        assertArrayEquals(new int[] {0, 1, 2, 3}, new VtcCls(1, KeepBudget.fraction(1.0)).begin(SHAPE).keep());
    }

    @Test
    void aFractionOfThePatches() {
        assertArrayEquals(new int[] {1, 3}, feed(new VtcCls(1, KeepBudget.fraction(0.5))).keep());
    }

    @Test
    void badOptionsNameTheOption() {
        PruningParameterException tooFew = assertThrows(PruningParameterException.class,
                () -> new VtcCls(0, KeepBudget.count(4)));
        assertEquals("layers", tooFew.parameter());
        // F = 2 leaves layers 0..2: K = 3 is the most there is
        new VtcCls(3, KeepBudget.count(1)).begin(SHAPE);
        PruningParameterException tooMany = assertThrows(PruningParameterException.class,
                () -> new VtcCls(4, KeepBudget.count(1)).begin(SHAPE));
        assertEquals("layers", tooMany.parameter());
        assertEquals("keep", assertThrows(PruningParameterException.class, () -> KeepBudget.count(0)).parameter());
    }

    @Test
    void aMissingHeadIsReportedInsteadOfAPartialScore() {
        VtcCls.Score s = new VtcCls(1, KeepBudget.count(1)).begin(SHAPE);
        s.clsAttention(2, 0, TIED_ROW, 0, TIED_ROW.length);
        IllegalStateException e = assertThrows(IllegalStateException.class, s::keep);
        assertTrue(e.getMessage().contains("layer 2 head 1"), e.getMessage());
    }

    @Test
    void malformedRowsAreRejected() {
        VtcCls.Score s = new VtcCls(1, KeepBudget.count(1)).begin(SHAPE);
        assertThrows(IllegalArgumentException.class, () -> s.clsAttention(1, 0, TIED_ROW, 0, 5));
        assertThrows(IllegalArgumentException.class, () -> s.clsAttention(2, 0, TIED_ROW, 0, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> s.clsAttention(2, 2, TIED_ROW, 0, 5));
        assertThrows(IndexOutOfBoundsException.class, () -> s.clsAttention(2, 0, TIED_ROW, 1, 5));
        s.clsAttention(2, 0, TIED_ROW, 0, 5);
        assertThrows(IllegalStateException.class, () -> s.clsAttention(2, 0, TIED_ROW, 0, 5));
    }

    private static VtcCls.Score feedTiedRows(int k, int u) {
        return feed(new VtcCls(k, KeepBudget.count(u)));
    }

    private static VtcCls.Score feed(VtcCls vtc) {
        VtcCls.Score s = vtc.begin(SHAPE);
        for (int layer = 0; layer <= SHAPE.featureLayer(); layer++) {
            if (s.wantsLayer(layer)) {
                for (int head = 0; head < SHAPE.numHeads(); head++) {
                    s.clsAttention(layer, head, TIED_ROW, 0, TIED_ROW.length);
                }
            }
        }
        return s;
    }
}
