package vtc.engine.llava;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import vtc.engine.kernels.Parallel;
import vtc.engine.prune.Cut;
import vtc.engine.prune.KeptPatches;
import vtc.engine.prune.TokenSelector;
import vtc.engine.prune.VisionShape;

/**
 * Follow-up questions about the same image reuse the prompt up to the end of the image tokens,
 * and answer what a model without the cache answers: identical greedy ids and kept patches,
 * logits within 1e-4. The follow-up runs its question rows on their own instead of inside the
 * whole prompt, which changes only float32 summation order (~1e-6 on logits of O(1..10));
 * 1e-4 is the decoder's tolerance against its double-precision reference, while a wrong prefix
 * (another image, another selection, positions off by one) moves logits by O(0.1).
 */
class PrefixCacheTest {

    private static final Parallel PARALLEL = new Parallel(2);
    private static final LlavaConfig CONFIG = RandomModel.tinyLlava(60);
    private static final RandomModel RANDOM = new RandomModel(3);
    private static final LlavaWeights WEIGHTS = RANDOM.llava(CONFIG);
    private static final LlavaModel UNCACHED = new LlavaModel(CONFIG, WEIGHTS, PARALLEL);
    private static final float[] PIXELS = RANDOM.pixels(CONFIG.vision());
    private static final float[] OTHER_PIXELS = RANDOM.pixels(CONFIG.vision());
    private static final int[] FIRST = {1, 7, 23, 9, 4, 12};
    private static final int[] FOLLOW_UP = {1, 7, 23, 5, 6, 11, 3, 8};
    private static final double LOGIT_TOL = 1e-4;
    private static final long BIG = 1L << 30;

    @AfterAll
    static void close() {
        PARALLEL.close();
    }

    /** Keeps fixed patches, declares that it reads the image alone, and counts the images it was shown. */
    private static final class FixedPatches implements TokenSelector {
        final int[] keep;
        final AtomicInteger images = new AtomicInteger();

        FixedPatches(int... keep) {
            this.keep = keep;
        }

        @Override
        public Selection begin(VisionShape shape) {
            images.incrementAndGet();
            return new Selection() {
                @Override
                public KeptPatches keepPatches(float[] features, int width) {
                    return KeptPatches.of(keep.clone());
                }
            };
        }

        @Override
        public String imageOnlyKey() {
            return "fixed" + Arrays.toString(keep);
        }
    }

    @Test
    void aFollowUpQuestionSkipsTheImageAndAnswersAsWithoutTheCache() {
        LlavaModel cached = new LlavaModel(CONFIG, WEIGHTS, PARALLEL, new PrefixCache(BIG));
        FixedPatches selector = new FixedPatches(0, 2, 3);
        Run first = run(cached, request(PIXELS, FIRST, selector));
        Run followUp = run(cached, request(PIXELS, FOLLOW_UP, selector));
        assertEquals(1, selector.images.get(), "the follow-up did not start a selection (no ViT)");
        assertEquals(1, cached.prefixCache().hits());
        assertEquals(1, cached.prefixCache().misses());
        assertEquals(0.0, followUp.result.timings().visionMs());

        assertSameAnswer(run(UNCACHED, request(PIXELS, FIRST, selector)), first);
        assertSameAnswer(run(UNCACHED, request(PIXELS, FOLLOW_UP, selector)), followUp);
        // and the first question asked again is a hit with its first answer
        assertSameAnswer(first, run(cached, request(PIXELS, FIRST, selector)));
        assertEquals(2, cached.prefixCache().hits());
    }

    @Test
    void keepingEveryPatchIsCachedToo() {
        LlavaModel cached = new LlavaModel(CONFIG, WEIGHTS, PARALLEL, new PrefixCache(BIG));
        run(cached, request(PIXELS, FIRST, null));
        Run followUp = run(cached, request(PIXELS, FOLLOW_UP, null));
        assertEquals(1, cached.prefixCache().hits());
        assertSameAnswer(run(UNCACHED, request(PIXELS, FOLLOW_UP, null)), followUp);
        assertArrayEquals(new int[] {0, 1, 2, 3}, followUp.result.keptIndices());
    }

    @Test
    void anotherImageSelectionOrTemplateStartIsAMiss() {
        LlavaModel cached = new LlavaModel(CONFIG, WEIGHTS, PARALLEL, new PrefixCache(BIG));
        FixedPatches selector = new FixedPatches(0, 2, 3);
        run(cached, request(PIXELS, FIRST, selector));
        Run otherImage = run(cached, request(OTHER_PIXELS, FOLLOW_UP, selector));
        Run otherSelection = run(cached, request(PIXELS, FOLLOW_UP, new FixedPatches(1, 2)));
        int[] otherStart = {1, 9, 23, 5, 6, 11, 3, 8};
        Run otherTemplate = run(cached, request(PIXELS, otherStart, selector));
        assertEquals(0, cached.prefixCache().hits());
        assertEquals(4, cached.prefixCache().misses());
        assertEquals(4, cached.prefixCache().size());
        assertSameAnswer(run(UNCACHED, request(OTHER_PIXELS, FOLLOW_UP, selector)), otherImage);
        assertSameAnswer(run(UNCACHED, request(PIXELS, FOLLOW_UP, new FixedPatches(1, 2))), otherSelection);
        assertSameAnswer(run(UNCACHED, request(PIXELS, otherStart, selector)), otherTemplate);
    }

    /** A selection that reads the question (here: a cut inside the decoder, as FastV) is never stored. */
    @Test
    void aSelectorThatMayReadTheQuestionIsNeverCached() {
        LlavaModel cached = new LlavaModel(CONFIG, WEIGHTS, PARALLEL, new PrefixCache(BIG));
        TokenSelector insideTheDecoder = shape -> new TokenSelector.Selection() {
            @Override
            public Cut cut() {
                return Cut.beforeDecoderLayer(1);
            }

            @Override
            public int[] keepImageTokens(float[] imageAttention) {
                return new int[] {1, 2};
            }
        };
        run(cached, request(PIXELS, FIRST, insideTheDecoder));
        run(cached, request(PIXELS, FOLLOW_UP, insideTheDecoder));
        assertEquals(0, cached.prefixCache().size());
        assertEquals(0, cached.prefixCache().hits() + cached.prefixCache().misses());
    }

    @Test
    void aPromptEndingAtTheImageIsNotCached() {
        LlavaModel cached = new LlavaModel(CONFIG, WEIGHTS, PARALLEL, new PrefixCache(BIG));
        run(cached, request(PIXELS, new int[] {1, 7, 23}, new FixedPatches(0, 1)));
        assertEquals(0, cached.prefixCache().size());
    }

    /** A budget of one entry: the least recently used image is dropped and misses again. */
    @Test
    void theLeastRecentlyUsedEntryIsDroppedToStayInBudget() {
        LlavaModel probe = new LlavaModel(CONFIG, WEIGHTS, PARALLEL, new PrefixCache(BIG));
        FixedPatches selector = new FixedPatches(0, 2, 3);
        run(probe, request(PIXELS, FIRST, selector));
        long oneEntry = probe.prefixCache().bytes();
        assertTrue(oneEntry > 0);

        LlavaModel cached = new LlavaModel(CONFIG, WEIGHTS, PARALLEL, new PrefixCache(oneEntry + oneEntry / 2));
        run(cached, request(PIXELS, FIRST, selector));
        run(cached, request(OTHER_PIXELS, FIRST, selector));
        assertEquals(1, cached.prefixCache().size());
        assertTrue(cached.prefixCache().bytes() <= cached.prefixCache().budgetBytes());
        run(cached, request(OTHER_PIXELS, FOLLOW_UP, selector));
        assertEquals(1, cached.prefixCache().hits(), "the most recent image stayed");
        run(cached, request(PIXELS, FOLLOW_UP, selector));
        assertEquals(1, cached.prefixCache().hits(), "the older image was dropped");
        assertEquals(3, cached.prefixCache().misses());

        LlavaModel tiny = new LlavaModel(CONFIG, WEIGHTS, PARALLEL, new PrefixCache(oneEntry - 1));
        run(tiny, request(PIXELS, FIRST, selector));
        assertEquals(0, tiny.prefixCache().size(), "an entry above the budget is not kept");
        assertThrows(IllegalArgumentException.class, () -> new PrefixCache(0));
    }

    private record Run(GenerationResult result, List<float[]> logits) {
    }

    private static Run run(LlavaModel model, GenerationRequest request) {
        List<float[]> logits = new ArrayList<>();
        GenerationResult result = model.generate(request, (step, token, l) -> logits.add(l.clone()));
        return new Run(result, logits);
    }

    private static GenerationRequest request(float[] pixels, int[] prompt, TokenSelector selector) {
        return new GenerationRequest(pixels, prompt, selector, new GenerationOptions(6, 0, 1, 0, false));
    }

    private static void assertSameAnswer(Run expected, Run actual) {
        assertArrayEquals(expected.result.generatedIds(), actual.result.generatedIds(), "generated ids");
        assertArrayEquals(expected.result.keptIndices(), actual.result.keptIndices(), "kept patches");
        assertEquals(expected.result.imageRows(), actual.result.imageRows(), "image rows");
        assertEquals(expected.logits.size(), actual.logits.size());
        for (int t = 0; t < expected.logits.size(); t++) {
            float[] e = expected.logits.get(t);
            float[] a = actual.logits.get(t);
            for (int i = 0; i < e.length; i++) {
                assertTrue(Math.abs(e[i] - a[i]) <= LOGIT_TOL, "token " + t + " logit " + i + ": " + e[i] + " vs " + a[i]);
            }
        }
    }
}
