package vtc.engine.prune;

/**
 * What a cut before the projector keeps: patch indices in the order the decoder receives them
 * (distinct, not necessarily ascending) and, for the merging methods, the rows themselves.
 *
 * @param indices    the kept patches, in output order
 * @param mergedRows null: the rows are the features of {@code indices} as they are (the engine
 *                   gathers them). Otherwise {@code [indices.length + extra, width]} rows that
 *                   replace them: one per kept patch, in the same order, then any extra rows
 */
public record KeptPatches(int[] indices, float[] mergedRows) {

    /** The features of these patches, unchanged. */
    public static KeptPatches of(int[] indices) {
        return new KeptPatches(indices, null);
    }

    /** Rows computed by the selection (merged), one per kept patch and then the extra ones. */
    public static KeptPatches merged(int[] indices, float[] rows) {
        return new KeptPatches(indices, rows);
    }
}
