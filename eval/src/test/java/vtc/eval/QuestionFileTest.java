package vtc.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vtc.loaders.LoadException;

class QuestionFileTest {

    @Test
    void readsLlavaLinesWithTheirOptionalFields() {
        Question q = QuestionFile.parse("{\"question_id\": 42, \"image\": \"COCO_val2014_000000016631.jpg\", "
                + "\"text\": \"Is there a person in the image?\", \"category\": \"adversarial\", \"other\": [1]}", 3);
        assertEquals(new Question(3, new QuestionId("42", true), "COCO_val2014_000000016631.jpg",
                "Is there a person in the image?", "adversarial", null, null), q);
        Question labelled = QuestionFile.parse("{\"question_id\": \"q7\", \"image\": \"a.png\", \"text\": \"Is it?\", "
                + "\"label\": \" Yes \"}", 1);
        assertEquals(new QuestionId("q7", false), labelled.id());
        assertEquals("yes", labelled.label());
        Question noId = QuestionFile.parse("{\"image\": \"a.png\", \"text\": \"What?\", \"answer\": \"red\"}", 9);
        assertEquals(QuestionId.of(9), noId.id());
        assertEquals("red", noId.answer());
        assertNull(noId.category());
    }

    @Test
    void badLinesSayWhichFieldAndLine() {
        assertEquals("line 4: \"text\" is missing (the question goes in \"text\", as in LLaVA's question files)",
                assertThrows(QuestionFormatException.class,
                        () -> QuestionFile.parse("{\"question_id\": 1, \"image\": \"a.png\", \"question\": \"x\"}", 4))
                        .getMessage());
        QuestionFormatException e = assertThrows(QuestionFormatException.class,
                () -> QuestionFile.parse("{\"question_id\": 8, \"image\": 3, \"text\": \"x\"}", 2));
        assertEquals("line 2: \"image\" must be a string", e.getMessage());
        assertEquals(new QuestionId("8", true), e.id(), "the id is kept for the failed answer");
        assertEquals("line 5: \"question_id\" must be a number or a string", assertThrows(QuestionFormatException.class,
                () -> QuestionFile.parse("{\"question_id\": [1], \"image\": \"a.png\", \"text\": \"x\"}", 5)).getMessage());
        QuestionFormatException notJson = assertThrows(QuestionFormatException.class, () -> QuestionFile.parse("a.png,Is it?", 6));
        assertEquals("line 6: not valid JSON (each line of a question file is one JSON object)", notJson.getMessage());
        assertEquals(QuestionId.of(6), notJson.id());
        assertEquals("line 1: expected a JSON object, as LLaVA's question files have",
                assertThrows(QuestionFormatException.class, () -> QuestionFile.parse("[1, 2]", 1)).getMessage());
    }

    @Test
    void aFileIsReadInOrderSkippingBlankLinesAndErrorsNameIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("q.jsonl");
        Files.writeString(file, "{\"image\": \"a.png\", \"text\": \"one\"}\n\n{\"image\": \"b.png\", \"text\": \"two\"}\n");
        List<Question> questions = QuestionFile.read(file);
        assertEquals(List.of(1L, 3L), questions.stream().map(Question::line).toList());
        Files.writeString(file, "{\"image\": \"a.png\", \"text\": \"one\"}\n{\"image\": \"\", \"text\": \"two\"}\n");
        assertEquals(file + ": line 2: \"image\" is empty",
                assertThrows(LoadException.class, () -> QuestionFile.read(file)).getMessage());
        Files.writeString(file, "\n \n");
        assertEquals(file + ": holds no questions", assertThrows(LoadException.class, () -> QuestionFile.read(file)).getMessage());
        assertEquals(dir.resolve("none.jsonl") + ": no such question file",
                assertThrows(LoadException.class, () -> QuestionFile.read(dir.resolve("none.jsonl"))).getMessage());
    }
}
