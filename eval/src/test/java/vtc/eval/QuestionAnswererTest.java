package vtc.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vtc.engine.llava.GenerationOptions;
import vtc.engine.llava.PromptTemplate;
import vtc.fixtures.Fixtures;
import vtc.api.Llava;
import vtc.pruning.FastV;
import vtc.pruning.KeepBudget;
import vtc.pruning.NoPruning;
import vtc.pruning.PruMergePlus;
import vtc.pruning.RandomSelection;
import vtc.pruning.VtcCls;

/**
 * Answering grouped by image, with the image preprocessed once for several questions and
 * settings, gives exactly what one independent request per question gives.
 */
class QuestionAnswererTest {

    static final Path TINY = Fixtures.model(Fixtures.TINY_LLAVA);
    static final Path IMAGES = TINY.resolve("golden");
    static final EvalOptions OPTIONS = new EvalOptions(PromptTemplate.LLAVA_HF, null, 8);
    static Llava llava;

    @BeforeAll
    static void load() {
        llava = Llava.load(TINY, 1);
    }

    @AfterAll
    static void close() {
        llava.close();
    }

    private static Question q(long line, String image, String text) {
        return new Question(line, QuestionId.of(line), image, text, null, null, null);
    }

    @Test
    void groupedAnswersEqualOneRequestPerQuestion() {
        List<Question> questions = List.of(q(1, "image1.png", "Is there a red circle in the image?"),
                q(2, "image2.jpg", "Is there a car in the image?"), q(3, "image1.png", "What shape is red?"));
        List<PruningSetting> settings = List.of(PruningSetting.of(new VtcCls(3, KeepBudget.count(16))),
                PruningSetting.of(new VtcCls(3, KeepBudget.fraction(0.5))), PruningSetting.of(new NoPruning()),
                PruningSetting.of(new FastV(1, KeepBudget.count(16))), PruningSetting.of(new FastV(1, KeepBudget.count(32))));
        QuestionAnswerer answerer = new QuestionAnswerer(llava, "tiny-llava", IMAGES, OPTIONS);
        Map<PruningSetting, List<Answer>> all = answerer.answerAll(questions, settings, null);
        assertEquals(settings, List.copyOf(all.keySet()));
        for (PruningSetting s : settings) {
            List<Answer> answers = all.get(s);
            for (int i = 0; i < questions.size(); i++) {
                Question q = questions.get(i);
                Llava.Result alone = llava.generate(Llava.Request.of(IMAGES.resolve(q.image()), q.text())
                        .withOptions(GenerationOptions.greedy(8)).withSelector(s.selector()), null);
                Answer a = answers.get(i);
                assertEquals(q.id(), a.questionId(), "file order");
                assertEquals(alone.text().strip(), a.text(), s.label() + " " + q);
                assertEquals(q.text(), a.prompt());
                assertEquals(alone.generation().keptIndices().length, a.metadata().keptTokens());
                assertEquals(s.label(), a.metadata().setting());
                assertEquals(Answer.answerId("tiny-llava", s.label(), q.id()), a.answerId());
                assertTrue(a.metadata().latencyMs() >= a.metadata().firstTokenMs() && a.metadata().firstTokenMs() > 0);
            }
        }
        assertEquals(16, all.get(settings.get(0)).get(0).metadata().keptTokens());
        assertEquals(32, all.get(settings.get(1)).get(0).metadata().keptTokens());
        assertEquals(64, all.get(settings.get(2)).get(0).metadata().keptTokens());
        assertEquals(32, all.get(settings.get(4)).get(0).metadata().keptTokens());
    }

    @Test
    void aMissingImageFailsOnlyItsQuestions() {
        List<Question> questions = List.of(q(1, "image1.png", "Is there a dog?"), q(2, "nowhere.png", "Is there a cat?"),
                q(3, "../golden/image2.jpg", "Is there a car?"));
        QuestionAnswerer answerer = new QuestionAnswerer(llava, "tiny-llava", IMAGES, OPTIONS);
        List<Answer> answers = answerer.answerAll(questions,
                List.of(PruningSetting.of(new VtcCls(3, KeepBudget.count(8)))), null).values().iterator().next();
        assertFalse(answers.get(0).failed());
        assertTrue(answers.get(1).failed());
        assertTrue(answers.get(1).metadata().error().startsWith(IMAGES.resolve("nowhere.png").toString()),
                answers.get(1).metadata().error());
        assertEquals("", answers.get(1).text());
        assertEquals(2, answers.get(1).metadata().line());
        assertFalse(answers.get(2).failed());
    }

    @Test
    void settingsHaveReadableLabelsAndFileNames() {
        assertEquals("vtc-cls(K=3, U=64)", PruningSetting.of(new VtcCls(3, KeepBudget.count(64))).label());
        assertEquals("vtc-cls_K3_U64", PruningSetting.of(new VtcCls(3, KeepBudget.count(64))).fileName());
        assertEquals("fastv_K2_U0.25", PruningSetting.of(new FastV(2, KeepBudget.fraction(0.25))).fileName());
        assertEquals("random_seed7_U16", PruningSetting.of(new RandomSelection(7, KeepBudget.count(16))).fileName());
        assertEquals("prumerge+_T3_s2", PruningSetting.of(new PruMergePlus(3, 2)).fileName());
        assertEquals("none", PruningSetting.of(new NoPruning()).fileName());
    }
}
