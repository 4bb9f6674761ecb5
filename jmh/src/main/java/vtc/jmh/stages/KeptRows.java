package vtc.jmh.stages;

/**
 * The compaction step of SPEC §4 as {@code LlavaModel} runs it: kept row {@code keep[i]} moves to
 * row i in place (ascending indices make that safe), so the projector sees the kept rows only.
 */
final class KeptRows {

    private KeptRows() {
    }

    static void compact(float[] rows, int width, int[] keep) {
        for (int i = 0; i < keep.length; i++) {
            if (keep[i] != i) {
                System.arraycopy(rows, keep[i] * width, rows, i * width, width);
            }
        }
    }
}
