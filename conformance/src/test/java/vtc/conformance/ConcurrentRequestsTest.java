package vtc.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vtc.engine.kernels.Parallel;
import vtc.engine.llava.GenerationOptions;
import vtc.engine.llava.GenerationRequest;
import vtc.engine.llava.GenerationResult;
import vtc.engine.llava.LlavaModel;
import vtc.fixtures.Fixtures;
import vtc.fixtures.Golden;
import vtc.loaders.checkpoint.LlavaCheckpoint;
import vtc.loaders.image.ImagePreprocessor;
import vtc.loaders.image.PreprocessMode;
import vtc.pruning.FastV;
import vtc.pruning.KeepBudget;
import vtc.pruning.PruMergePlus;
import vtc.pruning.RandomSelection;
import vtc.pruning.UniformSelection;
import vtc.pruning.VtcCls;

/**
 * One loaded model serving many requests at once, as in a JVM service: 8 threads run different
 * requests (two images, three prompts, VTC-CLS with several K and U, FastV, random and uniform
 * baselines, no pruning, greedy and seeded sampling) against one F32 checkpoint and one
 * multi-thread kernel pool, round after round. Each result must equal the same request run
 * alone: the generated ids and the kept patch indices exactly, the logits of every step within
 * {@link #LOGIT_TOLERANCE}.
 *
 * <p>Why not bit for bit: the engine is not bit-reproducible even run alone on one thread. Its
 * kernels sum vectors with {@code reduceLanes(ADD)}, whose order the Vector API leaves open, and
 * the interpreter, C1 and C2 code of the same kernel do pick different orders, so one request
 * repeated alone moves its logits by a few float32 ulps (measured on this fixture: at most
 * ~5e-6 on logits of magnitude ~5) as the JIT recompiles. A leak between requests (another
 * request's image, KV cache rows or scratch) moves logits by O(0.1–1); the tolerance sits
 * between the two, 20× above the noise.
 */
class ConcurrentRequestsTest {

    private static final int THREADS = 8;
    private static final int ROUNDS = 6;
    private static final int NEW_TOKENS = 6;
    private static final float LOGIT_TOLERANCE = 1e-4f;
    /** A greedy step whose top two logits are closer than this could flip on reduction noise: not a fair check. */
    private static final float MIN_GREEDY_MARGIN = 100 * LOGIT_TOLERANCE;

    private static LlavaCheckpoint checkpoint;
    private static Parallel parallel;
    private static LlavaModel model;
    private static List<Supplier<GenerationRequest>> requests;

    @BeforeAll
    static void load() {
        checkpoint = LlavaCheckpoint.open(Fixtures.model(Fixtures.TINY_LLAVA));
        parallel = new Parallel(3);
        model = new LlavaModel(checkpoint.config(), checkpoint.weights(), parallel);
        requests = requests();
    }

    @AfterAll
    static void close() {
        parallel.close();
        checkpoint.close();
    }

    /** Every request is built fresh for each run, as a service would from its input. */
    private static List<Supplier<GenerationRequest>> requests() {
        Golden golden = Golden.of(Fixtures.TINY_LLAVA);
        float[] goldenPixels = golden.floats(golden.at("model_input_image.pixel_values_tensor").getAsString());
        float[] secondImage = ImagePreprocessor.load(Fixtures.model(Fixtures.TINY_LLAVA).resolve("preprocessor_config.json"))
                .preprocess(golden.file("image2.jpg"), PreprocessMode.PAD).chw();
        int[] prompt = golden.ints("prompt.input_ids");
        int[] shortPrompt = {1, 512, 450, 338};
        int[] imageLast = Arrays.copyOf(withoutImage(prompt), prompt.length);
        imageLast[prompt.length - 1] = 512;
        GenerationOptions greedy = new GenerationOptions(NEW_TOKENS, 0, 1, 0, false);
        GenerationOptions sampled = new GenerationOptions(NEW_TOKENS, 0.9, 0.95, 1234, false);
        GenerationOptions otherSeed = new GenerationOptions(NEW_TOKENS, 1.3, 1.0, 77, false);
        List<Supplier<GenerationRequest>> list = new ArrayList<>();
        list.add(() -> new GenerationRequest(goldenPixels, prompt, null, greedy));
        list.add(() -> new GenerationRequest(goldenPixels, prompt, new VtcCls(3, KeepBudget.count(16)), greedy));
        list.add(() -> new GenerationRequest(goldenPixels, prompt, new VtcCls(1, KeepBudget.fraction(0.5)), sampled));
        list.add(() -> new GenerationRequest(secondImage, prompt, new VtcCls(5, KeepBudget.count(7)), greedy));
        list.add(() -> new GenerationRequest(goldenPixels, shortPrompt, new FastV(2, KeepBudget.count(20)), greedy));
        list.add(() -> new GenerationRequest(secondImage, imageLast, new PruMergePlus(3, 4), otherSeed));
        list.add(() -> new GenerationRequest(goldenPixels, imageLast, new RandomSelection(5, KeepBudget.count(12)), greedy));
        list.add(() -> new GenerationRequest(secondImage, shortPrompt, new UniformSelection(KeepBudget.count(9)), sampled));
        list.add(() -> new GenerationRequest(secondImage, prompt, null, otherSeed));
        return list;
    }

    private static int[] withoutImage(int[] prompt) {
        return Arrays.stream(prompt).map(id -> id == 512 ? 450 : id).toArray();
    }

    @Test
    void everyConcurrentResultEqualsTheSameRequestRunAlone() throws Exception {
        List<Outcome> alone = new ArrayList<>();
        for (Supplier<GenerationRequest> request : requests) {
            Outcome outcome = run(request.get());
            if (request.get().options().isGreedy()) {
                outcome.assertClearGreedyChoices("request " + alone.size());
            }
            alone.add(outcome);
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                runs.add(pool.submit(() -> {
                    start.await();
                    for (int round = 0; round < ROUNDS; round++) {
                        // Each thread walks the requests from its own offset, so different requests overlap every round.
                        int which = (thread + round * 3) % requests.size();
                        alone.get(which).assertSameAs(run(requests.get(which).get()), "request " + which
                                + " on thread " + thread + ", round " + round);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> run : runs) {
                run.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static Outcome run(GenerationRequest request) {
        List<float[]> logits = new ArrayList<>();
        GenerationResult result = model.generate(request, (step, token, stepLogits) -> logits.add(stepLogits.clone()));
        return new Outcome(result.generatedIds(), result.keptIndices(), logits);
    }

    /** What one run produced. */
    private record Outcome(int[] ids, int[] kept, List<float[]> logits) {

        void assertSameAs(Outcome other, String what) {
            assertArrayEquals(ids, other.ids, what + ": generated ids");
            assertArrayEquals(kept, other.kept, what + ": kept patch indices");
            assertEquals(logits.size(), other.logits.size(), what + ": steps");
            for (int step = 0; step < logits.size(); step++) {
                assertArrayEquals(logits.get(step), other.logits.get(step), LOGIT_TOLERANCE,
                        what + ": logits of step " + step);
            }
        }

        void assertClearGreedyChoices(String what) {
            for (int step = 0; step < logits.size(); step++) {
                float[] l = logits.get(step).clone();
                Arrays.sort(l);
                float margin = l[l.length - 1] - l[l.length - 2];
                assertTrue(margin > MIN_GREEDY_MARGIN, what + " step " + step + ": top-2 logit margin " + margin
                        + " is too thin to tell a leak from reduction noise; pick another request");
            }
        }
    }
}
