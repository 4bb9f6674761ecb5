package vtc.eval;

import java.io.Serializable;

/**
 * One line of an answers file in LLaVA's format ({@code model_vqa_loader}'s output, what the
 * official scorers read): {@code question_id}, {@code prompt} (the question text), {@code text}
 * (the generated answer, stripped), {@code answer_id}, {@code model_id}, {@code metadata}.
 *
 * @param answerId deterministic (see {@link #answerId}) so that a rerun, or a Spark task retried
 *                 after a lost executor, writes the same line; LLaVA's own is a random id that no
 *                 scorer reads
 * @param metadata how the answer was made; LLaVA writes {@code {}} and its scorers ignore it
 */
public record Answer(QuestionId questionId, String prompt, String text, String answerId, String modelId,
                     Metadata metadata) implements Serializable {

    /** Whether the question failed (bad image, bad line, request the model refuses). */
    public boolean failed() {
        return metadata.error() != null;
    }

    /** A name-based UUID of the model, the setting and the question. */
    public static String answerId(String modelId, String setting, QuestionId questionId) {
        String key = modelId + "\n" + setting + "\n" + (questionId.numeric() ? "n" : "s") + questionId.value();
        return java.util.UUID.nameUUIDFromBytes(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    }

    /**
     * What vtc-java adds in {@code metadata}.
     *
     * @param setting      the pruning setting, e.g. {@code vtc-cls(K=3, U=64)}
     * @param line         the question's line in its file (0 when unknown)
     * @param keptTokens   visual tokens that reached the end of the decoder (-1 when unknown)
     * @param imageTokens  N, the image's visual tokens (-1 when unknown)
     * @param latencyMs    wall time of the answer: time to first token plus decoding, and for the
     *                     first question asked about an image, that image's preprocessing too
     * @param firstTokenMs the part of it up to the first generated token
     * @param error        why the question failed, or null
     */
    public record Metadata(String setting, long line, int keptTokens, int imageTokens, double latencyMs,
                           double firstTokenMs, String error) implements Serializable {

        /** The metadata of an answers file written by another program ({@code {}}). */
        public static final Metadata NONE = new Metadata(null, 0, -1, -1, Double.NaN, Double.NaN, null);
    }
}
