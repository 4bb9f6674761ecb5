package vtc.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** POPE's reading follows LLaVA's eval_pope.py to the letter, quirks included. */
class AnswerScoringTest {

    @Test
    void popeReadsTheFirstSentenceForNoOrNot() {
        assertTrue(AnswerScoring.saysYes("Yes, there is a dog."));
        assertFalse(AnswerScoring.saysYes("No"));
        assertFalse(AnswerScoring.saysYes("No, there is no dog."), "the comma is dropped before splitting");
        assertFalse(AnswerScoring.saysYes("No. Yes."));
        assertFalse(AnswerScoring.saysYes("There is not a dog in the image."));
        assertTrue(AnswerScoring.saysYes("There is a dog. Not a cat."), "only the first sentence counts");
        assertTrue(AnswerScoring.saysYes("Nothing else"), "'Nothing' is not the word 'no'");
        assertTrue(AnswerScoring.saysYes(""), "an empty answer reads as yes, as in eval_pope.py");
    }

    @Test
    void popeQuirksAreKeptSoTheFiguresEqualTheOfficialScript() {
        assertTrue(AnswerScoring.saysYes("Not really"), "'Not' capitalised is not in the script's list");
        assertTrue(AnswerScoring.saysYes("NO"));
        assertTrue(AnswerScoring.saysYes("No!"), "the piece is 'No!'");
        assertTrue(AnswerScoring.saysYes("No\nthere is none"), "the script splits at single spaces only");
    }

    @Test
    void exactMatchNormalises() {
        assertEquals("red car", AnswerScoring.normalize("  The RED car!"));
        assertTrue(AnswerScoring.exactMatch("A circle.", "circle"));
        assertFalse(AnswerScoring.exactMatch("circles", "circle"));
        assertEquals("", AnswerScoring.normalize("?!"));
    }
}
