package vtc.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vtc.engine.llava.GenerationOptions;
import vtc.engine.llava.InvalidRequestException;
import vtc.fixtures.Fixtures;
import vtc.fixtures.Golden;
import vtc.loaders.LoadException;
import vtc.loaders.image.PixelValues;
import vtc.loaders.image.PreprocessMode;

/** The facade end to end on the F32 fixture: the golden greedy run from an image file, streaming, errors. */
class LlavaTest {

    /** The golden runs: 8 tokens, greedy, no stop at end-of-sequence. */
    private static final GenerationOptions GOLDEN = new GenerationOptions(8, 0, 1, 0, false);

    private static Golden golden;
    private static Llava llava;

    @BeforeAll
    static void load() {
        golden = Golden.of(Fixtures.TINY_LLAVA);
        llava = Llava.load(Fixtures.model(Fixtures.TINY_LLAVA), 2);
    }

    @AfterAll
    static void close() {
        llava.close();
    }

    private static Llava.Request goldenRequest() {
        return Llava.Request.of(golden.file("image1.png"), "What is in the picture?")
                .withPreprocess(PreprocessMode.PAD)
                .withOptions(GOLDEN);
    }

    /** Integer goldens: the README's margins (top1−top2 ≥ 0.0226) make the ids exact for float32. */
    @Test
    void imageFileAndQuestionGiveTheGoldenGreedyRun() {
        StringBuilder streamed = new StringBuilder();
        Llava.Result r = llava.generate(goldenRequest(), streamed::append);

        assertArrayEquals(golden.ints("prompt.input_ids"), r.generation().inputIds());
        assertArrayEquals(golden.ints("greedy.runs.full.generated_ids"), r.generation().generatedIds());
        assertEquals(golden.at("greedy.runs.full.decoded").getAsString(), r.text());
        assertEquals(r.text(), streamed.toString(), "streamed pieces concatenate to the text");
        assertEquals(64, r.generation().imageTokens());
        assertEquals(64, r.generation().keptIndices().length);
        var t = r.generation().timings();
        assertTrue(t.preprocessMs() >= 0 && t.firstTokenMs() >= t.prefillMs());
    }

    @Test
    void pixelsGiveTheSameRunAsTheFile() {
        PixelValues pixels = new PixelValues(112, golden.floats("image1.pad.pixel_values"));
        Llava.Result r = llava.generate(Llava.Request.of(pixels, "What is in the picture?").withOptions(GOLDEN), null);
        assertArrayEquals(golden.ints("greedy.runs.full.generated_ids"), r.generation().generatedIds());
    }

    @Test
    void checkpointWithoutImageAspectRatioCrops() {
        assertEquals(PreprocessMode.CROP, llava.defaultPreprocess());
        assertArrayEquals(golden.floats("image1.crop.pixel_values"),
                llava.pixels(Llava.Request.of(golden.file("image1.png"), "q")).chw());
    }

    @Test
    void requestsFromSeveralThreadsAgree() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Future<Llava.Result>[] runs = new Future[3];
            for (int i = 0; i < runs.length; i++) {
                runs[i] = pool.submit(() -> llava.generate(goldenRequest(), null));
            }
            for (Future<Llava.Result> run : runs) {
                assertArrayEquals(golden.ints("greedy.runs.full.generated_ids"), run.get().generation().generatedIds());
            }
        } finally {
            pool.shutdown();
        }
    }

    /**
     * With a prefix cache, the golden question asked again and a follow-up on the same image file
     * skip the ViT, and answer as the model without the cache (the golden ids; the follow-up's
     * ids as the uncached model gives them).
     */
    @Test
    void followUpQuestionsOnTheSameImageReuseItsPromptPrefix() {
        try (Llava cached = Llava.load(Fixtures.model(Fixtures.TINY_LLAVA), 2,
                vtc.loaders.checkpoint.WeightOptions.DEFAULT, 64L << 20)) {
            assertArrayEquals(golden.ints("greedy.runs.full.generated_ids"), cached.generate(goldenRequest(), null).generation().generatedIds());
            Llava.Result again = cached.generate(goldenRequest(), null);
            assertArrayEquals(golden.ints("greedy.runs.full.generated_ids"), again.generation().generatedIds());
            assertEquals(0.0, again.generation().timings().visionMs());
            Llava.Request followUp = Llava.Request.of(golden.file("image1.png"), "And what colour is it?")
                    .withPreprocess(PreprocessMode.PAD).withOptions(GOLDEN);
            assertArrayEquals(llava.generate(followUp, null).generation().generatedIds(), cached.generate(followUp, null).generation().generatedIds());
            assertEquals(2, cached.prefixCache().hits());
            assertEquals(1, cached.prefixCache().misses());
        }
        assertEquals(null, llava.prefixCache(), "off by default");
    }

    @Test
    void rawPromptWithoutImageTokenIsAnInvalidRequest() {
        var e = assertThrows(InvalidRequestException.class,
                () -> llava.generate(goldenRequest().withRawPrompt("USER: hello ASSISTANT:"), null));
        assertTrue(e.getMessage().contains("no image token"), e.getMessage());
    }

    @Test
    void missingImageFileIsALoadErrorNamingIt(@TempDir Path dir) {
        Path missing = dir.resolve("nope.png");
        var e = assertThrows(LoadException.class,
                () -> llava.generate(Llava.Request.of(missing, "q"), null));
        assertEquals(missing, e.file());
    }

    @Test
    void missingModelDirectoryIsALoadErrorNamingIt(@TempDir Path dir) {
        Path missing = dir.resolve("no-model");
        var e = assertThrows(LoadException.class, () -> Llava.load(missing, 1));
        assertTrue(e.getMessage().startsWith(missing.toString()), e.getMessage());
    }

    @Test
    void requestNeedsAConversationOrARawPrompt() {
        assertThrows(InvalidRequestException.class, () -> new Llava.Request(null, null, null, null,
                vtc.engine.llava.PromptTemplate.LLAVA_HF, null, null, GOLDEN, null, null));
    }
}
