package vtc.eval;

import java.io.Serializable;

/**
 * One line of a question file in LLaVA's {@code model_vqa_loader} format, with the two optional
 * ground-truth fields {@code vtc eval} scores by itself.
 *
 * @param line     1-based line number in its file; answers are written in this order, which
 *                 LLaVA's POPE scorer relies on (it pairs answers and labels by position)
 * @param id       {@code question_id} (the line number when the file has none)
 * @param image    {@code image}: the file name, relative to the image folder
 * @param text     {@code text}: the question, as the prompt's user turn
 * @param category {@code category} (POPE: adversarial, popular, random), or null
 * @param label    {@code label}: "yes" or "no" for POPE-style questions, or null
 * @param answer   {@code answer}: the expected answer for exact-match scoring, or null
 */
public record Question(long line, QuestionId id, String image, String text, String category, String label,
                       String answer) implements Serializable {
}
