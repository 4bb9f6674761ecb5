package vtc.engine.prune;

import java.util.Arrays;

/**
 * The two rules every cut shares, kept in one place: what a selection may return (distinct
 * indices in range, at least one; ascending where order carries no meaning) and how kept rows
 * are moved together.
 */
public final class KeptRows {

    private KeptRows() {
    }

    /**
     * A copy of {@code indices} after checking them against the selection's contract.
     *
     * @param count     how many tokens there were to choose from
     * @param ascending whether the indices must be strictly ascending (otherwise only distinct)
     * @param who       names the selection in the error
     * @throws IllegalStateException if the selection broke its contract
     */
    public static int[] checked(int[] indices, int count, boolean ascending, Object who) {
        String name = who.getClass().getSimpleName();
        if (indices == null || indices.length == 0) {
            throw new IllegalStateException(name + " kept no visual token");
        }
        boolean[] seen = new boolean[count];
        for (int i = 0; i < indices.length; i++) {
            int j = indices[i];
            boolean inOrder = !ascending || i == 0 || j > indices[i - 1];
            if (j < 0 || j >= count || seen[j] || !inOrder) {
                throw new IllegalStateException(name + " must keep " + (ascending ? "strictly ascending" : "distinct")
                        + " indices in [0, " + count + "), got " + Arrays.toString(indices));
            }
            seen[j] = true;
        }
        return indices.clone();
    }

    /**
     * Row i of {@code to} becomes row {@code rows[i]} of {@code from} ({@code width} floats a row).
     * {@code to} may be {@code from} itself when {@code rows} is ascending: row i is then written
     * only after every row it could overwrite has been read.
     */
    public static void gather(float[] from, int width, int[] rows, float[] to) {
        for (int i = 0; i < rows.length; i++) {
            if (from != to || rows[i] != i) {
                System.arraycopy(from, rows[i] * width, to, i * width, width);
            }
        }
    }
}
