package vtc.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vtc.engine.llava.GenerationOptions;
import vtc.engine.llava.GenerationRequest;
import vtc.engine.llava.InsufficientMemoryException;
import vtc.engine.llava.InvalidRequestException;
import vtc.engine.llava.NonFiniteValuesException;
import vtc.engine.llava.NonFiniteValuesException.Stage;
import vtc.engine.tensor.DType;
import vtc.fixtures.Fixtures;
import vtc.api.Llava;
import vtc.loaders.config.ConfigException;
import vtc.loaders.image.PixelValues;
import vtc.loaders.image.PreprocessorConfigException;
import vtc.loaders.safetensors.SafetensorsFile;
import vtc.loaders.safetensors.SafetensorsWriter;
import vtc.loaders.safetensors.TensorSpec;
import vtc.pruning.KeepBudget;
import vtc.pruning.VtcCls;

/**
 * Model directories whose files are each loadable but together (or numerically) broken, and
 * requests a model cannot afford: each used to end in a stack trace, an OutOfMemoryError or a silent
 * answer of token 0; each is now refused or reported with a typed error naming the culprit.
 * Built from the F32 fixture (vocab 514, image token 512, 3 decoder layers, kv dim 32).
 */
class HostileModelTest {

    private static final Path FIXTURE = Fixtures.model(Fixtures.TINY_LLAVA);
    private static final String LM_HEAD = "language_model.lm_head.weight";
    private static final String EMBED = "language_model.model.embed_tokens.weight";

    @TempDir
    Path dir;

    /**
     * llava-1.5-7b-hf: 32064 embedding rows, 32002 tokenizer ids. Scaled down: 514 ids and 576 rows
     * (62 more), with the lm_head row of an id past the tokenizer made to win the first step. Hugging
     * Face decodes such ids as nothing; the request used to die after the whole prefill.
     */
    @Test
    void generatedIdsPastTheTokenizerDecodeToNothing() throws IOException {
        int firstGreedy;
        try (Llava original = Llava.load(FIXTURE, 1)) {
            firstGreedy = original.generate(request(original, 1), null).generation().generatedIds()[0];
        }
        int rows = 514 + 62;
        int past = rows - 1;
        Path model = copyModel("wide", config -> config.getAsJsonObject("text_config").addProperty("vocab_size", rows),
                Map.of(EMBED, values -> Arrays.copyOf(values, rows * 96),
                        LM_HEAD, values -> {
                            float[] wide = Arrays.copyOf(values, rows * 96);
                            for (int c = 0; c < 96; c++) {
                                wide[past * 96 + c] = 10 * values[firstGreedy * 96 + c];  // 10× the winning logit
                            }
                            return wide;
                        }), DType.F32);
        try (Llava llava = Llava.load(model, 1)) {
            StringBuilder streamed = new StringBuilder();
            Llava.Result r = llava.generate(request(llava, 5), streamed::append);
            assertEquals(past, r.generation().generatedIds()[0], "the id past the tokenizer must win the first step");
            int[] known = Arrays.stream(r.generation().generatedIds()).filter(id -> id < 514).toArray();
            assertEquals(llava.tokenizer().decode(known, true), r.text());
            assertEquals(r.text(), streamed.toString());
        }
    }

    @Test
    void nonFiniteWeightsAreReportedWhereTheyFirstAppear() throws IOException {
        assertStage(Stage.VISION_FEATURES, "vision_tower.vision_model.pre_layrnorm.weight", DType.F32, null);
        assertStage(Stage.VISION_FEATURES, "vision_tower.vision_model.pre_layrnorm.weight", DType.BF16, null);
        assertStage(Stage.IMAGE_TOKENS, "multi_modal_projector.linear_1.weight", DType.F32, null);
        assertStage(Stage.LOGITS, LM_HEAD, DType.BF16, null);
        // With VTC-CLS watching the vision tower, the same fault is still typed (it used to be an
        // IllegalArgumentException from the top-k of the scores).
        NonFiniteValuesException e = assertThrows(NonFiniteValuesException.class, () -> assertStage(null,
                "vision_tower.vision_model.pre_layrnorm.weight", DType.F32, new VtcCls(2, KeepBudget.count(8))));
        assertTrue(e.getMessage().contains("safetensors"), e.getMessage());
        // A text-only request has no vision stage: the same lm_head fault shows at its logits.
        Path model = copyModel("nan-text", config -> { }, Map.of(LM_HEAD, values -> {
            float[] out = values.clone();
            out[0] = Float.NaN;
            return out;
        }), DType.F32);
        try (Llava llava = Llava.load(model, 1)) {
            NonFiniteValuesException text = assertThrows(NonFiniteValuesException.class, () -> llava.generate(
                    Llava.Request.of(vtc.engine.llava.Conversation.ofText("Hello there"))
                            .withOptions(GenerationOptions.greedy(2)), null));
            assertEquals(Stage.LOGITS, text.stage(), text.getMessage());
        }
    }

    @Test
    void nonFinitePixelValuesAreReportedAsSuch() {
        try (Llava llava = Llava.load(FIXTURE, 1)) {
            int size = llava.config().vision().imageSize();
            float[] chw = new float[3 * size * size];
            chw[7] = Float.POSITIVE_INFINITY;
            NonFiniteValuesException e = assertThrows(NonFiniteValuesException.class, () -> llava.generate(
                    Llava.Request.of(new PixelValues(size, chw), "What is in the picture?")
                            .withOptions(GenerationOptions.greedy(2)), null));
            assertEquals(Stage.PIXEL_VALUES, e.stage());
            assertTrue(e.getMessage().contains("preprocessor_config.json"), e.getMessage());
        }
    }

    /** An image token that is BOS used to be accepted, and the image spliced in at the wrong place. */
    @Test
    void imageTokenThatIsAnotherSpecialTokenIsRefusedAtLoad() throws IOException {
        Path model = copyModel("bos", config -> config.addProperty("image_token_index", 1), Map.of(), DType.F32);
        ConfigException e = assertThrows(ConfigException.class, () -> Llava.load(model, 1).close());
        assertTrue(e.getMessage().startsWith(model.resolve("config.json") + ": image_token_index 1 is the tokenizer's "
                + "token '<s>' (BOS), not <image>; the tokenizer's <image> is id 512"), e.getMessage());
    }

    /** A crop the tower cannot take used to load, then fail every request without naming the file. */
    @Test
    void cropSizeThatDisagreesWithTheTowerIsRefusedAtLoad() throws IOException {
        Path model = copyModel("crop", config -> { }, Map.of(), DType.F32);
        Files.writeString(model.resolve("preprocessor_config.json"),
                "{\"crop_size\": {\"height\": 224, \"width\": 224}, \"size\": {\"shortest_edge\": 224}}");
        PreprocessorConfigException e = assertThrows(PreprocessorConfigException.class, () -> Llava.load(model, 1).close());
        assertTrue(e.getMessage().startsWith(model.resolve("preprocessor_config.json") + ": crop_size is 224 but the "
                + "vision tower of config.json takes 112×112 images"), e.getMessage());
    }

    /** Ten million characters used to be tokenized for 10 s before the context check refused them. */
    @Test
    void promptFarBeyondTheContextIsRefusedBeforeTokenizing() {
        String question = "picture ".repeat(1_250_000);
        try (Llava llava = Llava.load(FIXTURE, 1)) {
            long allocated = allocatedBy(() -> {
                InvalidRequestException e = assertThrows(InvalidRequestException.class,
                        () -> llava.promptIds(Llava.Request.of(FIXTURE.resolve("x.png"), question)));
                assertTrue(e.getMessage().contains("refused before tokenizing"), e.getMessage());
            });
            // The template's copy of the text (about 20 MB), not the gigabytes a tokenization takes.
            assertTrue(allocated < 100L << 20, "allocated " + (allocated >> 20) + " MiB");
            // A prompt that fits is still tokenized as before.
            assertTrue(llava.promptIds(Llava.Request.of(FIXTURE.resolve("x.png"), "What is in the picture?")).length > 5);
        }
    }

    @Test
    void threadsBeyondTheCoresAreCapped() {
        try (Llava llava = Llava.load(FIXTURE, 500)) {
            assertEquals(Math.min(500, Runtime.getRuntime().availableProcessors()), llava.threads());
        }
    }

    /**
     * Requests that fit the heap's maximum but not what is free: with most of the heap held and one
     * request running, a second used to die of OutOfMemoryError; it is refused, saying it may fit later.
     */
    @Test
    void requestsAreAdmittedOnlyIntoMemoryThatIsFree() throws Exception {
        Path model = copyModel("long", config -> config.getAsJsonObject("text_config")
                .addProperty("max_position_embeddings", 1 << 24), Map.of(), DType.F32);
        int bytesPerPosition = 2 * 3 * 32 * Float.BYTES;
        int positions400Mb = (400 << 20) / bytesPerPosition;
        List<long[]> ballast = new ArrayList<>();
        try (Llava llava = Llava.load(model, 1)) {
            Runtime runtime = Runtime.getRuntime();
            System.gc();
            long keepFree = 700L << 20;
            for (long left = runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory()) - keepFree;
                 left > 0; left -= 32L << 20) {
                ballast.add(new long[(int) Math.min(left, 32L << 20) / Long.BYTES]);
            }
            CountDownLatch firstRunning = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<Throwable> firstOutcome = new AtomicReference<>();
            Thread first = new Thread(() -> {
                try {
                    llava.generate(request(llava, positions400Mb), text -> {
                        firstRunning.countDown();
                        awaitQuietly(release);
                        throw new StopRequest();
                    });
                } catch (Throwable t) {
                    firstOutcome.set(t);
                    firstRunning.countDown();
                }
            });
            first.start();
            firstRunning.await();
            try {
                InsufficientMemoryException e = assertThrows(InsufficientMemoryException.class,
                        () -> llava.generate(request(llava, positions400Mb), null));
                assertTrue(e.couldFitLater(), e.getMessage());
                assertTrue(e.getMessage().contains("beside the 1 request running"), e.getMessage());
            } finally {
                release.countDown();
                first.join();
            }
            assertTrue(firstOutcome.get() instanceof StopRequest, "the first request must have run: " + firstOutcome.get());
            InsufficientMemoryException never = assertThrows(InsufficientMemoryException.class,
                    () -> llava.generate(request(llava, 8 * positions400Mb), null));
            assertFalse(never.couldFitLater(), never.getMessage());
            assertTrue(never.getMessage().matches(".*needs [0-9,]+ MB, more than the heap's [0-9,]+ MB.*"), never.getMessage());
        } finally {
            ballast.clear();
        }
    }

    private static final class StopRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The fixture's question about its first golden image, greedy, {@code newTokens} new tokens at most. */
    private static Llava.Request request(Llava llava, int newTokens) {
        return Llava.Request.of(FIXTURE.resolve("golden/image1.png"), "What is in the picture?")
                .withOptions(new GenerationOptions(newTokens, 0, 1, 0, false));
    }

    /** Runs a request on a model whose tensor {@code poisoned} holds a NaN, expecting {@code stage}. */
    private void assertStage(Stage stage, String poisoned, DType dtype, vtc.engine.prune.TokenSelector selector)
            throws IOException {
        Path model = copyModel("nan-" + stage + "-" + dtype + "-" + (selector != null), config -> { },
                Map.of(poisoned, values -> {
                    float[] out = values.clone();
                    out[0] = Float.NaN;
                    return out;
                }), dtype);
        try (Llava llava = Llava.load(model, 1)) {
            NonFiniteValuesException e = assertThrows(NonFiniteValuesException.class,
                    () -> llava.generate(request(llava, 3).withSelector(selector), null));
            if (stage != null) {
                assertEquals(stage, e.stage(), e.getMessage());
            }
            throw e;
        } catch (NonFiniteValuesException expected) {
            if (stage == null) {
                throw expected;
            }
        }
    }

    /** A copy of the fixture with its config edited and tensors re-stored (in {@code dtype}) through {@code edits}. */
    private Path copyModel(String name, Consumer<JsonObject> editConfig, Map<String, UnaryOperator<float[]>> edits,
                           DType dtype) throws IOException {
        Path out = Files.createDirectories(dir.resolve(name));
        for (String file : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
                "preprocessor_config.json")) {
            Files.copy(FIXTURE.resolve(file), out.resolve(file));
        }
        JsonObject config = JsonParser.parseString(Files.readString(FIXTURE.resolve("config.json"))).getAsJsonObject();
        editConfig.accept(config);
        Files.writeString(out.resolve("config.json"), config.toString());
        try (SafetensorsFile in = SafetensorsFile.open(FIXTURE.resolve("model.safetensors"))) {
            List<TensorSpec> specs = new ArrayList<>();
            List<float[]> values = new ArrayList<>();
            for (var t : in.tensors()) {
                float[] v = edits.getOrDefault(t.name(), UnaryOperator.identity()).apply(in.floats(t.name()));
                long[] shape = t.shape().clone();
                shape[0] = v.length / (t.shape().length == 1 ? 1 : Arrays.stream(t.shape()).skip(1).reduce(1, (a, b) -> a * b));
                specs.add(new TensorSpec(t.name(), dtype, shape));
                values.add(v);
            }
            try (SafetensorsWriter w = SafetensorsWriter.create(out.resolve("model.safetensors"), specs, Map.of())) {
                for (int i = 0; i < specs.size(); i++) {
                    w.write(specs.get(i).name(), values.get(i));
                }
            }
        }
        return out;
    }

    private static long allocatedBy(Runnable work) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        work.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }
}
