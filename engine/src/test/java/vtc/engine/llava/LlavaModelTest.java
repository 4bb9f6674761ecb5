package vtc.engine.llava;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import vtc.engine.kernels.Parallel;
import vtc.engine.prune.DecoderTokenSelector;
import vtc.engine.prune.VisualTokenSelector;
import vtc.engine.text.LlamaConfig;

/**
 * The generation pipeline on a tiny random LLaVA (N = 4 patches, vocab 24, image token 23):
 * its plumbing against the same stages run by hand, and every request error raised before any
 * compute. The stages' numerics are checked elsewhere (naive references, golden fixtures).
 */
class LlavaModelTest {

    private static final Parallel PARALLEL = new Parallel(2);
    private static final LlavaConfig CONFIG = RandomModel.tinyLlava(40);
    private static final RandomModel RANDOM = new RandomModel(3);
    private static final LlavaWeights WEIGHTS = RANDOM.llava(CONFIG);
    private static final LlavaModel MODEL = new LlavaModel(CONFIG, WEIGHTS, PARALLEL);
    private static final float[] PIXELS = RANDOM.pixels(CONFIG.vision());
    private static final int[] PROMPT = {1, 7, 23, 9, 4, 12};
    private static final int[] KEEP = {0, 2, 3};

    @AfterAll
    static void close() {
        PARALLEL.close();
    }

    @Test
    void greedyTokensAreTheArgmaxOfTheGrowingSequenceRunByHand() {
        int tokens = 6;
        List<Integer> heard = new ArrayList<>();
        GenerationResult result = MODEL.generate(request(fixed(KEEP), null, new GenerationOptions(tokens, 0, 1, 0, false)),
                (step, token, logits) -> {
                    assertEquals(heard.size(), step);
                    heard.add(token);
                });

        int[] expected = handRun(KEEP, tokens);
        assertArrayEquals(expected, result.generatedIds());
        assertEquals(Arrays.stream(expected).boxed().toList(), heard);
        assertArrayEquals(KEEP, result.keptIndices());
        assertEquals(4, result.imageTokens());
        assertArrayEquals(PROMPT, result.inputIds());
    }

    /** Vision, compaction, projector, splice, then the cache-free decoder over the whole sequence each step. */
    private static int[] handRun(int[] keep, int tokens) {
        int d = CONFIG.vision().hiddenSize();
        float[] all = MODEL.vision().patchFeatures(PIXELS, null, null);
        float[] kept = new float[keep.length * d];
        for (int i = 0; i < keep.length; i++) {
            System.arraycopy(all, keep[i] * d, kept, i * d, d);
        }
        float[] imageTokens = MODEL.projector().project(kept, keep.length);
        int[] ids = PROMPT.clone();
        int[] out = new int[tokens];
        for (int step = 0; step < tokens; step++) {
            float[] x = MODEL.embedPrompt(ids, imageTokens, keep.length);
            int rows = ids.length - 1 + keep.length;
            int[] positions = new int[rows];
            Arrays.setAll(positions, i -> i);
            MODEL.decoder().forwardLayers(x, rows, positions, 0, CONFIG.text().numHiddenLayers());
            float[] logits = new float[CONFIG.text().vocabSize()];
            MODEL.decoder().logits(x, rows - 1, logits);
            out[step] = TokenSampler.argmax(logits);
            ids = Arrays.copyOf(ids, ids.length + 1);
            ids[ids.length - 1] = out[step];
        }
        return out;
    }

    @Test
    void withoutSelectorsEveryPatchIsKept() {
        GenerationResult result = MODEL.generate(request(null, null, GenerationOptions.greedy(2)), null);
        assertArrayEquals(new int[] {0, 1, 2, 3}, result.keptIndices());
    }

    @Test
    void fastVReportsThePatchesThatReachedTheEnd() {
        DecoderTokenSelector keepFirstAndLast = new DecoderTokenSelector() {
            @Override
            public int layer() {
                return 1;
            }

            @Override
            public int[] keep(float[] imageAttention) {
                assertEquals(KEEP.length, imageAttention.length, "FastV sees the tokens VTC kept");
                return new int[] {0, 2};
            }
        };
        GenerationResult result = MODEL.generate(request(fixed(KEEP), keepFirstAndLast, GenerationOptions.greedy(3)), null);
        assertArrayEquals(new int[] {0, 3}, result.keptIndices());
    }

    @Test
    void sampledRunsRepeatWithTheSameSeed() {
        GenerationOptions options = new GenerationOptions(8, 1.5, 0.9, 42, false);
        int[] first = MODEL.generate(request(null, null, options), null).generatedIds();
        int[] second = MODEL.generate(request(null, null, options), null).generatedIds();
        assertArrayEquals(first, second);
    }

    @Test
    void aNucleusSmallerThanTheTopTokenIsGreedy() {
        int[] greedy = MODEL.generate(request(null, null, new GenerationOptions(6, 0, 1, 0, false)), null).generatedIds();
        int[] nucleus = MODEL.generate(request(null, null, new GenerationOptions(6, 2.0, 1e-6, 5, false)), null)
                .generatedIds();
        assertArrayEquals(greedy, nucleus);
    }

    @Test
    void generationStopsAfterTheEndOfSequenceToken() {
        int first = MODEL.generate(request(null, null, new GenerationOptions(1, 0, 1, 0, false)), null).generatedIds()[0];
        LlamaConfig t = CONFIG.text();
        LlamaConfig stopsAtFirst = new LlamaConfig(t.vocabSize(), t.hiddenSize(), t.intermediateSize(), t.numHiddenLayers(),
                t.numAttentionHeads(), t.numKeyValueHeads(), t.headDim(), t.hiddenAct(), t.maxPositionEmbeddings(),
                t.rmsNormEps(), t.ropeTheta(), t.tieWordEmbeddings(), t.bosTokenId(), new int[] {first});
        LlavaConfig config = new LlavaConfig(CONFIG.vision(), stopsAtFirst, CONFIG.imageTokenIndex(),
                CONFIG.projectorHiddenAct(), CONFIG.visionFeatureLayer(), CONFIG.visionFeatureSelectStrategy(),
                CONFIG.multimodalProjectorBias(), CONFIG.imageAspectRatio());
        LlavaModel model = new LlavaModel(config, WEIGHTS, PARALLEL);
        assertArrayEquals(new int[] {first}, model.generate(request(null, null, GenerationOptions.greedy(5)), null).generatedIds());
        assertEquals(5, model.generate(request(null, null, new GenerationOptions(5, 0, 1, 0, false)), null)
                .generatedIds().length);
    }

    @Test
    void concurrentRequestsDoNotShareState() throws Exception {
        GenerationRequest r = request(fixed(KEEP), null, new GenerationOptions(6, 0, 1, 0, false));
        int[] alone = MODEL.generate(r, null).generatedIds();
        var a = CompletableFuture.supplyAsync(() -> MODEL.generate(r, null).generatedIds());
        var b = CompletableFuture.supplyAsync(() -> MODEL.generate(r, null).generatedIds());
        assertArrayEquals(alone, a.get());
        assertArrayEquals(alone, b.get());
    }

    @Test
    void promptWithoutOrWithTwoImageTokensIsRejected() {
        assertInvalid("no image token", request(new int[] {1, 5, 6}, GenerationOptions.greedy(1)));
        assertInvalid("more than once", request(new int[] {1, 23, 5, 23}, GenerationOptions.greedy(1)));
    }

    @Test
    void tooLongARequestIsRejectedBeforeTheVisionTowerRuns() {
        // 5 text + 4 image tokens + 32 new = 41 > 40 positions.
        assertInvalid("max_position_embeddings", new GenerationRequest(PIXELS, PROMPT, neverCalled(), null,
                GenerationOptions.greedy(32)));
        MODEL.generate(new GenerationRequest(PIXELS, PROMPT, null, null, new GenerationOptions(31, 0, 1, 0, false)), null);
    }

    @Test
    void badPixelsIdsOptionsAndFastVLayerAreRejected() {
        assertInvalid("[3, 8, 8]", new GenerationRequest(new float[5], PROMPT, neverCalled(), null, GenerationOptions.greedy(1)));
        assertInvalid("outside the vocabulary", request(new int[] {1, 23, 24}, GenerationOptions.greedy(1)));
        assertInvalid("temperature", () -> new GenerationOptions(1, -1, 1, 0, true));
        assertInvalid("topP", () -> new GenerationOptions(1, 1, 0, 0, true));
        assertInvalid("maxNewTokens", () -> new GenerationOptions(-1, 0, 1, 0, true));
        DecoderTokenSelector afterTheLastLayer = new DecoderTokenSelector() {
            @Override
            public int layer() {
                return 3;
            }

            @Override
            public int[] keep(float[] imageAttention) {
                return fail("never asked");
            }
        };
        assertInvalid("FastV", new GenerationRequest(PIXELS, PROMPT, neverCalled(), afterTheLastLayer,
                GenerationOptions.greedy(1)));
    }

    @Test
    void aSelectorThatBreaksItsContractIsNamed() {
        var e = assertThrows(IllegalStateException.class,
                () -> MODEL.generate(request(fixed(new int[] {2, 2}), null, GenerationOptions.greedy(1)), null));
        assertTrue(e.getMessage().contains("ascending"), e.getMessage());
    }

    @Test
    void promptTemplatesPutTheImageFirstInTheUserTurn() {
        assertEquals("USER: <image>\nWhat is it? ASSISTANT:", PromptTemplate.LLAVA_HF.format("What is it?"));
        assertEquals("A chat between a curious user and an artificial intelligence assistant. The assistant gives "
                + "helpful, detailed, and polite answers to the user's questions. USER: <image>\nQ ASSISTANT:",
                PromptTemplate.VICUNA_V1.format("Q"));
    }

    private static void assertInvalid(String messagePart, GenerationRequest request) {
        assertInvalid(messagePart, () -> MODEL.generate(request, null));
    }

    private static void assertInvalid(String messagePart, org.junit.jupiter.api.function.Executable call) {
        var e = assertThrows(InvalidRequestException.class, call);
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }

    private static GenerationRequest request(VisualTokenSelector visual, DecoderTokenSelector fastv, GenerationOptions o) {
        return new GenerationRequest(PIXELS, PROMPT, visual, fastv, o);
    }

    private static GenerationRequest request(int[] prompt, GenerationOptions o) {
        return new GenerationRequest(PIXELS, prompt, neverCalled(), null, o);
    }

    private static VisualTokenSelector fixed(int[] keep) {
        return shape -> () -> keep.clone();
    }

    /** A selector whose use fails the test: proves a request was rejected before the vision tower. */
    private static VisualTokenSelector neverCalled() {
        return shape -> fail("the request should have been rejected before any compute");
    }
}
