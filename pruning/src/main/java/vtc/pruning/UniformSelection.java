package vtc.pruning;

import vtc.engine.prune.VisionShape;
import vtc.engine.prune.TokenSelector;

/**
 * A content-blind spatial baseline: U patches spread evenly over the g×g grid.
 *
 * <p>Precisely: R = min(g, ⌈√U⌉) rows are used, and row i (0 ≤ i &lt; R) gets
 * c_i = ⌊U(i+1)/R⌋ − ⌊Ui/R⌋ patches, so the counts differ by at most one and add up to U. Row i
 * sits at grid row ⌊(2i+1)·g / 2R⌋ and its patches at grid columns ⌊(2k+1)·g / 2c_i⌋,
 * k &lt; c_i: each is the centre of one of R (or c_i) equal bands, and since bands are at least
 * one patch wide the picks are distinct. For U = s² with s ≤ g this is the regular s×s lattice
 * of band centres; for other U the rows alternate between ⌊U/R⌋ and ⌈U/R⌉ patches.
 */
public final class UniformSelection implements TokenSelector {

    private final KeepBudget keep;

    public UniformSelection(KeepBudget keep) {
        this.keep = keep;
    }

    @Override
    public PatchSelection begin(VisionShape shape) {
        int[] kept = spread(shape.gridSize(), keep.resolve(shape.numPatches()));
        return () -> kept.clone();
    }

    /** The raster indices of u patches spread over a g×g grid, ascending (1 ≤ u ≤ g²). */
    static int[] spread(int g, int u) {
        int rows = Math.min(g, (int) Math.ceil(Math.sqrt(u)));
        int[] kept = new int[u];
        int next = 0;
        for (int i = 0; i < rows; i++) {
            int y = bandCentre(i, rows, g);
            int columns = (int) ((long) u * (i + 1) / rows - (long) u * i / rows);
            for (int k = 0; k < columns; k++) {
                kept[next++] = y * g + bandCentre(k, columns, g);
            }
        }
        return kept;
    }

    /** ⌊(2i+1)·g / 2·bands⌋: the middle cell of band i when g cells are cut into equal bands. */
    private static int bandCentre(int i, int bands, int g) {
        return (int) ((2L * i + 1) * g / (2L * bands));
    }

    /** The choice reads the image alone; the description names the method and every parameter. */
    @Override
    public String imageOnlyKey() {
        return toString();
    }

    @Override
    public String toString() {
        return "uniform(U=" + keep + ")";
    }
}
