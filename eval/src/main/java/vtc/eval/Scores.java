package vtc.eval;

import com.google.gson.JsonObject;

/**
 * The figures of one setting's answers: POPE's confusion matrix with "yes" as the positive class
 * (accuracy, precision, recall, F1 and the yes ratio, as LLaVA's {@code eval_pope.py} computes
 * them), normalised exact match for questions with an expected answer, and the cost: latency and
 * kept visual tokens. Failed questions are counted, not scored.
 */
public final class Scores {

    private int questions;
    private int failed;
    private int truePositive;
    private int falsePositive;
    private int trueNegative;
    private int falseNegative;
    private int exactTotal;
    private int exactCorrect;
    private double latencySum;
    private double firstTokenSum;
    private long keptSum;
    private int imageTokens = -1;

    /**
     * Adds one answer.
     *
     * @param label    the question's POPE label ("yes"/"no") or null
     * @param expected the question's expected answer or null
     * @return whether the answer is right, or null when the question has no ground truth or failed
     */
    public Boolean add(String label, String expected, Answer a) {
        questions++;
        if (a.failed()) {
            failed++;
            return null;
        }
        Answer.Metadata m = a.metadata();
        latencySum += m.latencyMs();
        firstTokenSum += m.firstTokenMs();
        keptSum += m.keptTokens();
        imageTokens = m.imageTokens();
        if (label != null) {
            boolean predictedYes = AnswerScoring.saysYes(a.text());
            boolean actualYes = label.equals("yes");
            if (predictedYes) {
                if (actualYes) { truePositive++; } else { falsePositive++; }
            } else {
                if (actualYes) { falseNegative++; } else { trueNegative++; }
            }
            return predictedYes == actualYes;
        }
        if (expected != null) {
            boolean correct = AnswerScoring.exactMatch(a.text(), expected);
            exactTotal++;
            exactCorrect += correct ? 1 : 0;
            return correct;
        }
        return null;
    }

    public int questions() {
        return questions;
    }

    public int failed() {
        return failed;
    }

    public int answered() {
        return questions - failed;
    }

    public int yesNoQuestions() {
        return truePositive + falsePositive + trueNegative + falseNegative;
    }

    public double accuracy() {
        return ratio(truePositive + trueNegative, yesNoQuestions());
    }

    public double precision() {
        return ratio(truePositive, truePositive + falsePositive);
    }

    public double recall() {
        return ratio(truePositive, truePositive + falseNegative);
    }

    public double f1() {
        double p = precision();
        double r = recall();
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    public double yesRatio() {
        return ratio(truePositive + falsePositive, yesNoQuestions());
    }

    public int exactMatchQuestions() {
        return exactTotal;
    }

    public double exactMatch() {
        return ratio(exactCorrect, exactTotal);
    }

    /** Mean answer latency in ms over the answered questions (NaN if none). */
    public double meanLatencyMs() {
        return latencySum / answered();
    }

    public double meanFirstTokenMs() {
        return firstTokenSum / answered();
    }

    /** Mean visual tokens kept per answer (NaN if none answered). */
    public double meanKeptTokens() {
        return (double) keptSum / answered();
    }

    /** N, the visual tokens of an image, or -1 if no question was answered. */
    public int imageTokens() {
        return imageTokens;
    }

    /** The figures as JSON fields (snake case, fractions in [0, 1], times in ms). */
    public JsonObject toJson() {
        JsonObject m = new JsonObject();
        m.addProperty("questions", questions);
        m.addProperty("failed", failed);
        if (yesNoQuestions() > 0) {
            m.addProperty("yes_no_questions", yesNoQuestions());
            m.addProperty("accuracy", accuracy());
            m.addProperty("precision", precision());
            m.addProperty("recall", recall());
            m.addProperty("f1", f1());
            m.addProperty("yes_ratio", yesRatio());
        }
        if (exactTotal > 0) {
            m.addProperty("exact_match_questions", exactTotal);
            m.addProperty("exact_match", exactMatch());
        }
        if (answered() > 0) {
            m.addProperty("mean_latency_ms", meanLatencyMs());
            m.addProperty("mean_first_token_ms", meanFirstTokenMs());
            m.addProperty("mean_kept_tokens", meanKeptTokens());
            m.addProperty("image_tokens", imageTokens);
        }
        return m;
    }

    /**
     * The figures for a person: percentages with one decimal, latency in ms, e.g.
     * <pre>
     * POPE (4 yes/no)   accuracy 75.0 %   precision 66.7 %   recall 100.0 %   F1 80.0 %   yes 75.0 %
     * </pre>
     */
    public String toText() {
        StringBuilder b = new StringBuilder();
        if (yesNoQuestions() > 0) {
            b.append(String.format("  POPE (%d yes/no)     accuracy %.1f %%   precision %.1f %%   recall %.1f %%   F1 %.1f %%   yes ratio %.1f %%%n",
                    yesNoQuestions(), 100 * accuracy(), 100 * precision(), 100 * recall(), 100 * f1(), 100 * yesRatio()));
        }
        if (exactTotal > 0) {
            b.append(String.format("  exact match         %.1f %% (%d of %d)%n", 100 * exactMatch(), exactCorrect, exactTotal));
        }
        if (answered() > 0) {
            b.append(String.format("  latency             %.1f ms per answer (first token %.1f ms)%n", meanLatencyMs(), meanFirstTokenMs()));
            b.append(String.format("  kept visual tokens  %.1f of %d%n", meanKeptTokens(), imageTokens));
        }
        b.append(String.format("  questions           %d answered, %d failed%n", answered(), failed));
        return b.toString();
    }

    private static double ratio(int a, int b) {
        return b == 0 ? 0 : (double) a / b;
    }
}
