package vtc.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vtc.loaders.LoadException;

class AnswersFileTest {

    private static Answer answer(QuestionId id, String text, long line) {
        return new Answer(id, "Is there a <dog>?", text, Answer.answerId("m", "none", id), "m",
                new Answer.Metadata("none", line, 64, 64, 12.5, 10.25, null));
    }

    @Test
    void aLineHasLlavaFieldsWithTheIdAsWritten() {
        Answer a = answer(new QuestionId("7", true), "No, there is no dog.", 3);
        JsonObject o = JsonParser.parseString(AnswersFile.line(a)).getAsJsonObject();
        assertEquals(List.of("question_id", "prompt", "text", "answer_id", "model_id", "metadata"), List.copyOf(o.keySet()));
        assertTrue(o.get("question_id").getAsJsonPrimitive().isNumber());
        assertTrue(AnswersFile.line(a).contains("\"prompt\":\"Is there a <dog>?\""), "no HTML escaping");
        assertEquals(a, AnswersFile.parse(AnswersFile.line(a), null, 1));
        Answer named = answer(new QuestionId("7", false), "Yes", 3);
        assertTrue(JsonParser.parseString(AnswersFile.line(named)).getAsJsonObject().get("question_id")
                .getAsJsonPrimitive().isString());
        assertEquals(named, AnswersFile.parse(AnswersFile.line(named), null, 1));
    }

    @Test
    void readsLlavasOwnAnswersLines() {
        Answer a = AnswersFile.parse("{\"question_id\": 1, \"prompt\": \"Is there a snowboard in the image?\", "
                + "\"text\": \"Yes\", \"answer_id\": \"WhsXh8fDKc5VfC6eBuJ2yH\", \"model_id\": \"llava-v1.5-7b\", "
                + "\"metadata\": {}}", null, 1);
        assertEquals("Yes", a.text());
        assertEquals(Answer.Metadata.NONE, a.metadata());
        assertEquals("answers.jsonl: line 2: \"text\" (the answer) is missing", assertThrows(LoadException.class,
                () -> AnswersFile.parse("{\"question_id\": 1}", Path.of("answers.jsonl"), 2)).getMessage());
    }

    @Test
    void aFileAndASparkDirectoryReadBackInOrder(@TempDir Path dir) throws Exception {
        List<Answer> answers = List.of(answer(QuestionId.of(1), "Yes", 1), answer(QuestionId.of(2), "No", 2),
                answer(QuestionId.of(3), "", 3));
        Path file = dir.resolve("sub/answers.jsonl");
        AnswersFile.write(file, answers);
        assertEquals(answers, AnswersFile.read(file));
        try (var s = Files.list(file.getParent())) {
            assertEquals(List.of(file), s.toList(), "no temporary file left behind");
        }
        Path spark = Files.createDirectories(dir.resolve("spark"));
        Files.writeString(spark.resolve("part-00001-x.c000.txt"), AnswersFile.line(answers.get(2)) + "\n");
        Files.writeString(spark.resolve("part-00000-x.c000.txt"),
                AnswersFile.line(answers.get(0)) + "\n" + AnswersFile.line(answers.get(1)) + "\n");
        Files.writeString(spark.resolve("_SUCCESS"), "");
        Files.writeString(spark.resolve(".part-00000-x.c000.txt.crc"), "binary");
        assertEquals(answers, AnswersFile.read(spark));
    }
}
