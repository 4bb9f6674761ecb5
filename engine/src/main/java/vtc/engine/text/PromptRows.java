package vtc.engine.text;

import java.util.Objects;
import vtc.engine.prune.KeptRows;

/**
 * The rows of one prompt pass: the hidden states {@code x} ({@code rows × width}) and the decoder
 * position of each row. The decoder updates {@code x} in place, layer by layer; a cut inside the
 * decoder drops rows between layers, and the survivors keep their positions.
 */
public final class PromptRows {

    private final float[] x;
    private final int[] positions;
    private final int width;
    private int rows;

    /** Rows at the contiguous positions 0..rows−1. */
    public PromptRows(float[] x, int rows, int width) {
        this(x, contiguous(rows), rows, width);
    }

    public PromptRows(float[] x, int[] positions, int rows, int width) {
        this.x = Objects.requireNonNull(x, "x");
        this.positions = Objects.requireNonNull(positions, "positions");
        if (rows < 1 || (long) rows * width > x.length || rows > positions.length) {
            throw new IllegalArgumentException(rows + " rows of " + width + " do not fit x[" + x.length
                    + "] and positions[" + positions.length + "]");
        }
        this.width = width;
        this.rows = rows;
    }

    public float[] x() {
        return x;
    }

    public int[] positions() {
        return positions;
    }

    public int rows() {
        return rows;
    }

    /** Keeps only the rows {@code kept} (strictly ascending), in place, with their positions. */
    public void keepRows(int[] kept) {
        KeptRows.gather(x, width, kept, x);
        for (int i = 0; i < kept.length; i++) {
            positions[i] = positions[kept[i]];
        }
        rows = kept.length;
    }

    private static int[] contiguous(int rows) {
        int[] positions = new int[Math.max(rows, 0)];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = i;
        }
        return positions;
    }
}
