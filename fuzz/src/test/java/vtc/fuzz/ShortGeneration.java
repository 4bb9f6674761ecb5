package vtc.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import vtc.engine.kernels.Parallel;
import vtc.engine.llava.GenerationOptions;
import vtc.engine.llava.GenerationRequest;
import vtc.engine.llava.GenerationResult;
import vtc.engine.llava.InvalidRequestException;
import vtc.engine.llava.LlavaModel;
import vtc.engine.llava.NonFiniteValuesException;
import vtc.engine.llava.PromptTemplate;
import vtc.engine.llava.TokenListener;
import vtc.fixtures.Fixtures;
import vtc.fixtures.Golden;
import vtc.api.Llava;
import vtc.loaders.checkpoint.LlavaCheckpoint;
import vtc.loaders.config.ConsistentModelFiles;
import vtc.loaders.image.ImagePreprocessor;
import vtc.loaders.image.PreprocessMode;
import vtc.loaders.tokenizer.StreamingDecoder;
import vtc.loaders.tokenizer.Tokenizer;

/**
 * What a loaded file must survive beyond parsing: a short generation through the real model,
 * within a time bound. A file that loads and then makes encoding loop forever, or the model answer
 * from NaNs, passed the older targets (they stopped at loading); here the input fails the target.
 *
 * <p>A request may end in a typed refusal ({@link InvalidRequestException}: the prompt has no
 * image token under this tokenizer, …) or a typed report ({@link NonFiniteValuesException}); a
 * request that succeeds must never have shown a non-finite logit.
 */
final class ShortGeneration {

    /**
     * Far above the tens of milliseconds a warm tiny fixture needs (the kernels are warmed up once,
     * outside the bound, since the Vector API is slow until compiled); only a hang or an endless
     * loop reaches it.
     */
    static final Duration BOUND = Duration.ofSeconds(30);
    static final Path FIXTURE = Fixtures.model(Fixtures.TINY_LLAVA);
    private static final String QUESTION = "What is in the picture?";

    private ShortGeneration() {
    }

    /** The F32 fixture's model, loaded once per fuzzing JVM. */
    private static final class Fixture {
        static final LlavaCheckpoint CHECKPOINT = LlavaCheckpoint.open(FIXTURE);
        static final Parallel PARALLEL = new Parallel(1);
        static final LlavaModel MODEL = new LlavaModel(CHECKPOINT.config(), CHECKPOINT.weights(), PARALLEL);
        static final ImagePreprocessor PREPROCESSOR = ImagePreprocessor.load(FIXTURE.resolve("preprocessor_config.json"));
        static final float[] PIXELS = PREPROCESSOR.preprocess(FIXTURE.resolve("golden/image1.png"), PreprocessMode.CROP).chw();

        static {
            for (int warmUp = 0; warmUp < 3; warmUp++) {
                generate(MODEL, PIXELS, fixturePromptIds());
            }
        }
    }

    /** Loads and warms up the fixture model; call outside {@link #bounded}. */
    static void warmUp() {
        Fixture.MODEL.config();
    }

    /** Runs {@code work} within {@link #BOUND}; what it throws passes through unchanged. */
    static void bounded(Runnable work) {
        assertTimeoutPreemptively(BOUND, work::run, "an input made the work run past " + BOUND);
    }

    /** The fixture model with a fuzzed tokenizer: checked against the model's files, then asked the question. */
    static void withTokenizer(Tokenizer tokenizer) {
        ConsistentModelFiles.check(FIXTURE, Fixture.MODEL.config(), tokenizer, Fixture.PREPROCESSOR.config());
        requestContract(() -> {
            int[] ids = tokenizer.encode(PromptTemplate.LLAVA_HF.format(QUESTION), 400);
            GenerationResult r = generate(Fixture.MODEL, Fixture.PIXELS, ids);
            String whole = tokenizer.decode(r.generatedIds(), true);
            StreamingDecoder stream = tokenizer.streamingDecoder(true);
            StringBuilder streamed = new StringBuilder();
            for (int id : r.generatedIds()) {
                streamed.append(stream.push(id));
            }
            assertEquals(whole, streamed.append(stream.flush()).toString(), "streamed decode differs");
        });
    }

    /** The fixture model on pixels a fuzzed preprocessor config produced. */
    static void withPixels(float[] chw) {
        requestContract(() -> generate(Fixture.MODEL, chw, fixturePromptIds()));
    }

    /** A whole model directory (fuzzed weights): loaded as a user would, then asked the question. */
    static void withModel(Path modelDir) {
        try (Llava llava = Llava.load(modelDir, 1)) {
            requestContract(() -> {
                int[] ids = llava.promptIds(Llava.Request.of(FIXTURE.resolve("golden/image1.png"), QUESTION));
                generate(llava.model(), Fixture.PIXELS, ids);
            });
        }
    }

    private static int[] fixturePromptIds() {
        return Golden.of(Fixtures.TINY_LLAVA).ints("prompt.input_ids");
    }

    private static GenerationResult generate(LlavaModel model, float[] pixels, int[] ids) {
        TokenListener finiteLogits = (step, token, logits) -> {
            for (float v : logits) {
                assertTrue(Float.isFinite(v), "step " + step + " chose token " + token + " from non-finite logits");
            }
        };
        return model.generate(new GenerationRequest(pixels, ids, null, new GenerationOptions(2, 0, 1, 0, false)),
                finiteLogits);
    }

    /** A request either succeeds or is refused or reported with a typed error that says something. */
    private static void requestContract(Runnable request) {
        try {
            request.run();
        } catch (InvalidRequestException | NonFiniteValuesException typed) {
            assertFalse(typed.getMessage() == null || typed.getMessage().isBlank(), "typed error without a message");
        }
    }
}
