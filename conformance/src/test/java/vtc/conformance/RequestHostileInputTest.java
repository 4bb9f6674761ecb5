package vtc.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import vtc.engine.kernels.Parallel;
import vtc.engine.llava.LlavaModel;
import vtc.loaders.checkpoint.LlavaCheckpoint;
import vtc.engine.llava.GenerationOptions;
import vtc.engine.llava.GenerationRequest;
import vtc.engine.llava.InvalidRequestException;
import vtc.engine.prune.TokenSelector;
import vtc.fixtures.Fixtures;
import vtc.loaders.tokenizer.Tokenizer;
import vtc.loaders.tokenizer.Tokenizers;
import vtc.pruning.FastV;
import vtc.pruning.KeepBudget;
import vtc.pruning.PruningParameterException;
import vtc.pruning.VtcCls;

/**
 * Requests a user can get wrong, through the real F32 fixture and its tokenizer (vocab 514, image
 * token 512, 64 patches, 6 vision layers with F = 4, 3 decoder layers, 512 positions): every one
 * is refused with a typed error naming what is wrong, and the prompt checks happen before any
 * compute (the selectors used there fail the test if the vision tower ever asks them).
 */
class RequestHostileInputTest {

    private static FixtureModel fixture;
    private static Tokenizer tokenizer;
    private static float[] pixels;

    @BeforeAll
    static void load() {
        fixture = FixtureModel.open(Fixtures.TINY_LLAVA);
        tokenizer = Tokenizers.load(Fixtures.model(Fixtures.TINY_LLAVA));
        pixels = fixture.pixels();
    }

    @AfterAll
    static void close() {
        fixture.close();
    }

    @Test
    void promptWithoutTheImageTokenIsRefused() {
        assertRefusedBeforeCompute("no image token", tokenizer.encode("USER: What is in the picture? ASSISTANT:"), 4);
    }

    @Test
    void promptWithTwoImageTokensIsRefused() {
        assertRefusedBeforeCompute("more than once", tokenizer.encode("USER: <image>\n<image>\nSame? ASSISTANT:"), 4);
    }

    @Test
    void emptyPromptIsRefused() {
        assertRefusedBeforeCompute("no image token", tokenizer.encode(""), 4);
        assertRefusedBeforeCompute("no image token", new int[0], 4);
    }

    @Test
    void promptPlusImageTokensBeyondTheContextAreRefusedBeforeAnyCompute() {
        String question = "What is in the picture? ".repeat(60);
        int[] ids = tokenizer.encode("USER: <image>\n" + question + "ASSISTANT:");
        assertTrue(ids.length - 1 + 64 > 512, "the prompt alone must overflow 512 positions, has " + ids.length + " ids");
        assertRefusedBeforeCompute("max_position_embeddings", ids, 0);
    }

    @Test
    void newTokensThatWouldRunPastTheContextAreRefusedBeforeAnyCompute() {
        int[] ids = fixture.promptIds();
        int room = 512 - (ids.length - 1 + 64);
        assertRefusedBeforeCompute("max_position_embeddings", ids, room + 1);
        assertEquals(room, fixture.model.generate(new GenerationRequest(pixels, ids, null,
                new GenerationOptions(room, 0, 1, 0, false)), null).generatedIds().length, "exactly full context runs");
    }

    /**
     * The fixture with a context of 2^24 positions: ten million new tokens fit the context but
     * their KV cache (3 layers × 2 × 32 floats × 10^7 ≈ 7.7 GB) does not fit the test heap (2 GB),
     * so the request is refused before any compute instead of dying of OutOfMemoryError.
     */
    @Test
    void kvCacheLargerThanTheHeapIsRefusedBeforeAnyCompute(@TempDir Path dir) throws IOException {
        Path source = Fixtures.model(Fixtures.TINY_LLAVA);
        for (String file : new String[] {"model.safetensors", "tokenizer.json", "preprocessor_config.json"}) {
            Files.copy(source.resolve(file), dir.resolve(file));
        }
        Files.writeString(dir.resolve("config.json"), Files.readString(source.resolve("config.json"))
                .replace("\"max_position_embeddings\": 512", "\"max_position_embeddings\": 16777216"));
        try (LlavaCheckpoint checkpoint = LlavaCheckpoint.open(dir); Parallel parallel = new Parallel(1)) {
            LlavaModel model = new LlavaModel(checkpoint.config(), checkpoint.weights(), parallel);
            int[] ids = tokenizer.encode("USER: <image>\nWhat is in the picture? ASSISTANT:");
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> model.generate(
                    new GenerationRequest(pixels, ids, neverAsked(),
                            new GenerationOptions(10_000_000, 0, 1, 0, false)), null));
            assertTrue(e.getMessage().contains("KV cache"), e.getMessage());
        }
    }

    @Test
    void promptIdOutsideTheVocabularyIsRefused() {
        int[] ids = fixture.promptIds();
        ids[1] = 514;
        assertRefusedBeforeCompute("outside the vocabulary", ids, 1);
    }

    @Test
    void vtcClsWithMoreLayersThanLeadToTheFeatureLayerIsRefused() {
        // F = 4 leaves layers 0..4: K = 5 is the most there is.
        var e = assertThrows(PruningParameterException.class, () -> fixture.model.generate(
                new GenerationRequest(pixels, fixture.promptIds(), new VtcCls(6, KeepBudget.count(8)),
                        GenerationOptions.greedy(1)), null));
        assertEquals("layers", e.parameter());
        assertTrue(e.getMessage().contains("K = 6") && e.getMessage().contains("F = 4"), e.getMessage());
        assertThrows(PruningParameterException.class, () -> new VtcCls(0, KeepBudget.count(8)));
    }

    @Test
    void keepBudgetOfZeroOrLessIsRefused() {
        for (int u : new int[] {0, -3}) {
            assertEquals("keep", assertThrows(PruningParameterException.class, () -> KeepBudget.count(u)).parameter());
        }
        for (double u : new double[] {0, -0.25, 1.5, Double.NaN}) {
            assertEquals("keep", assertThrows(PruningParameterException.class, () -> KeepBudget.fraction(u)).parameter());
        }
    }

    @Test
    void fastVLayerOutsideTheDecoderIsRefused() {
        // 3 decoder layers: FastV can prune after layer 1 or 2 only.
        var e = assertThrows(InvalidRequestException.class, () -> fixture.model.generate(
                new GenerationRequest(pixels, fixture.promptIds(), new FastV(3, KeepBudget.count(8)),
                        GenerationOptions.greedy(1)), null));
        assertTrue(e.getMessage().contains("fastv(K=3") && e.getMessage().contains("K must be in [1, 2]"), e.getMessage());
    }

    private static void assertRefusedBeforeCompute(String messagePart, int[] ids, int newTokens) {
        Executable generate = () -> fixture.model.generate(new GenerationRequest(pixels, ids, neverAsked(),
                new GenerationOptions(newTokens, 0, 1, 0, false)), null);
        var e = assertThrows(InvalidRequestException.class, generate);
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }

    /** A selector whose use fails the test: the request must be refused before it is asked anything. */
    private static TokenSelector neverAsked() {
        return shape -> fail("the request should have been refused before the selection began");
    }
}
