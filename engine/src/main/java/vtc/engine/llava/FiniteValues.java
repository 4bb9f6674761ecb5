package vtc.engine.llava;

/**
 * The check behind {@link NonFiniteValuesException}: one pass over a stage's output. The stages
 * checked (pixels, vision features, image tokens, logits) are small next to the matrix products that
 * made them, so the pass costs well under a percent of a request.
 */
final class FiniteValues {

    private FiniteValues() {
    }

    /** Throws if one of the first {@code count} values is NaN or infinite. */
    static void require(float[] values, int count, NonFiniteValuesException.Stage stage) {
        for (int i = 0; i < count; i++) {
            if (!Float.isFinite(values[i])) {
                throw new NonFiniteValuesException(stage, describe(values, count, i));
            }
        }
    }

    /** Only called once a bad value was found: how many there are and where the first one is. */
    private static String describe(float[] values, int count, int first) {
        int bad = 0;
        for (int i = first; i < count; i++) {
            bad += Float.isFinite(values[i]) ? 0 : 1;
        }
        return "hold " + bad + " non-finite value" + (bad == 1 ? "" : "s") + " of " + count + " (first: " + values[first]
                + " at index " + first + ")";
    }
}
