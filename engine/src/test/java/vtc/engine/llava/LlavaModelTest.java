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
import vtc.engine.prune.Cut;
import vtc.engine.prune.KeptPatches;
import vtc.engine.prune.TokenSelector;
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
        GenerationResult result = MODEL.generate(request(fixed(KEEP), new GenerationOptions(tokens, 0, 1, 0, false)),
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
        return handRun(kept, keep.length, tokens);
    }

    /** Projector, splice and the cache-free decoder from the given image rows. */
    private static int[] handRun(float[] imageRows, int count, int tokens) {
        float[] imageTokens = MODEL.projector().project(imageRows, count);
        int[] ids = PROMPT.clone();
        int[] out = new int[tokens];
        for (int step = 0; step < tokens; step++) {
            float[] x = MODEL.embedPrompt(ids, imageTokens, count);
            int rows = ids.length - 1 + count;
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
        GenerationResult result = MODEL.generate(request((TokenSelector) null, GenerationOptions.greedy(2)), null);
        assertArrayEquals(new int[] {0, 1, 2, 3}, result.keptIndices());
    }

    @Test
    void aCutInsideTheDecoderReportsThePatchesThatReachedTheEnd() {
        List<float[]> seen = new ArrayList<>();
        TokenSelector keepFirstAndLast = shape -> new TokenSelector.Selection() {
            @Override
            public Cut cut() {
                return Cut.beforeDecoderLayer(1);
            }

            @Override
            public int[] keepImageTokens(float[] imageAttention) {
                seen.add(imageAttention.clone());
                return new int[] {0, 3};
            }
        };
        GenerationResult result = MODEL.generate(request(keepFirstAndLast, GenerationOptions.greedy(3)), null);
        assertEquals(1, seen.size());
        assertEquals(4, seen.get(0).length, "the selection sees every image token");
        assertArrayEquals(new int[] {0, 3}, result.keptIndices());
        assertEquals(2, result.imageRows());
    }

    @Test
    void mergedRowsReplaceTheImageInTheirOrderWithTheExtraRowsLast() {
        int d = CONFIG.vision().hiddenSize();
        float[] all = MODEL.vision().patchFeatures(PIXELS, null, null);
        int[] order = {3, 1};
        float[] rows = new float[3 * d];
        for (int c = 0; c < d; c++) {
            rows[c] = all[3 * d + c] + 0.5f * all[c];
            rows[d + c] = all[d + c];
            rows[2 * d + c] = all[2 * d + c] - all[c];
        }
        TokenSelector merging = shape -> new TokenSelector.Selection() {
            @Override
            public KeptPatches keepPatches(float[] features, int width) {
                assertArrayEquals(all, features, "the selection sees the features as the tower made them");
                return KeptPatches.merged(order, rows.clone());
            }
        };
        GenerationResult result = MODEL.generate(request(merging, new GenerationOptions(4, 0, 1, 0, false)), null);
        assertArrayEquals(order, result.keptIndices());
        assertEquals(3, result.imageRows());
        assertArrayEquals(handRun(rows, 3, 4), result.generatedIds());
    }

    @Test
    void sampledRunsRepeatWithTheSameSeed() {
        GenerationOptions options = new GenerationOptions(8, 1.5, 0.9, 42, false);
        int[] first = MODEL.generate(request((TokenSelector) null, options), null).generatedIds();
        int[] second = MODEL.generate(request((TokenSelector) null, options), null).generatedIds();
        assertArrayEquals(first, second);
    }

    @Test
    void aNucleusSmallerThanTheTopTokenIsGreedy() {
        int[] greedy = MODEL.generate(request((TokenSelector) null, new GenerationOptions(6, 0, 1, 0, false)), null).generatedIds();
        int[] nucleus = MODEL.generate(request((TokenSelector) null, new GenerationOptions(6, 2.0, 1e-6, 5, false)), null)
                .generatedIds();
        assertArrayEquals(greedy, nucleus);
    }

    @Test
    void generationStopsAfterTheEndOfSequenceToken() {
        int first = MODEL.generate(request((TokenSelector) null, new GenerationOptions(1, 0, 1, 0, false)), null).generatedIds()[0];
        LlamaConfig t = CONFIG.text();
        LlamaConfig stopsAtFirst = new LlamaConfig(t.vocabSize(), t.hiddenSize(), t.intermediateSize(), t.numHiddenLayers(),
                t.numAttentionHeads(), t.numKeyValueHeads(), t.headDim(), t.hiddenAct(), t.maxPositionEmbeddings(),
                t.rmsNormEps(), t.ropeTheta(), t.tieWordEmbeddings(), t.bosTokenId(), new int[] {first});
        LlavaConfig config = new LlavaConfig(CONFIG.vision(), stopsAtFirst, CONFIG.imageTokenIndex(),
                CONFIG.projectorHiddenAct(), CONFIG.visionFeatureLayer(), CONFIG.visionFeatureSelectStrategy(),
                CONFIG.multimodalProjectorBias(), CONFIG.imageAspectRatio());
        LlavaModel model = new LlavaModel(config, WEIGHTS, PARALLEL);
        assertArrayEquals(new int[] {first}, model.generate(request((TokenSelector) null, GenerationOptions.greedy(5)), null).generatedIds());
        assertEquals(5, model.generate(request((TokenSelector) null, new GenerationOptions(5, 0, 1, 0, false)), null)
                .generatedIds().length);
    }

    @Test
    void concurrentRequestsDoNotShareState() throws Exception {
        GenerationRequest r = request(fixed(KEEP), new GenerationOptions(6, 0, 1, 0, false));
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
        assertInvalid("max_position_embeddings", new GenerationRequest(PIXELS, PROMPT, neverCalled(),
                GenerationOptions.greedy(32)));
        MODEL.generate(new GenerationRequest(PIXELS, PROMPT, null, new GenerationOptions(31, 0, 1, 0, false)), null);
    }

    @Test
    void badPixelsIdsOptionsAndFastVLayerAreRejected() {
        assertInvalid("[3, 8, 8]", new GenerationRequest(new float[5], PROMPT, neverCalled(), GenerationOptions.greedy(1)));
        assertInvalid("outside the vocabulary", request(new int[] {1, 23, 24}, GenerationOptions.greedy(1)));
        assertInvalid("temperature", () -> new GenerationOptions(1, -1, 1, 0, true));
        assertInvalid("topP", () -> new GenerationOptions(1, 1, 0, 0, true));
        assertInvalid("maxNewTokens", () -> new GenerationOptions(-1, 0, 1, 0, true));
        TokenSelector afterTheLastLayer = shape -> new TokenSelector.Selection() {
            @Override
            public Cut cut() {
                return Cut.beforeDecoderLayer(3);
            }

            @Override
            public boolean wantsLayer(int layer) {
                return fail("the request should have been rejected before the vision tower");
            }
        };
        assertInvalid("K must be in [1, 2]", new GenerationRequest(PIXELS, PROMPT, afterTheLastLayer,
                GenerationOptions.greedy(1)));
    }

    @Test
    void aSelectionThatWatchesTheLastLayerNeedsItsWeights() {
        TokenSelector lastLayer = shape -> new TokenSelector.Selection() {
            @Override
            public boolean wantsLastLayerQueryKey() {
                return true;
            }

            @Override
            public boolean wantsLayer(int layer) {
                return fail("the request should have been rejected before the vision tower");
            }
        };
        assertInvalid("layer_norm1, q_proj and k_proj", request(lastLayer, GenerationOptions.greedy(1)));
    }

    @Test
    void aSelectorThatBreaksItsContractIsNamed() {
        var e = assertThrows(IllegalStateException.class,
                () -> MODEL.generate(request(fixed(new int[] {2, 2}), GenerationOptions.greedy(1)), null));
        assertTrue(e.getMessage().contains("distinct"), e.getMessage());
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

    private static GenerationRequest request(TokenSelector selector, GenerationOptions o) {
        return new GenerationRequest(PIXELS, PROMPT, selector, o);
    }

    private static GenerationRequest request(int[] prompt, GenerationOptions o) {
        return new GenerationRequest(PIXELS, prompt, neverCalled(), o);
    }

    private static TokenSelector fixed(int[] keep) {
        return shape -> new TokenSelector.Selection() {
            @Override
            public KeptPatches keepPatches(float[] features, int width) {
                return KeptPatches.of(keep.clone());
            }
        };
    }

    /** A selector whose use fails the test: proves a request was rejected before the vision tower. */
    private static TokenSelector neverCalled() {
        return shape -> fail("the request should have been rejected before any compute");
    }
}
