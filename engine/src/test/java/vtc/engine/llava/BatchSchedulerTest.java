package vtc.engine.llava;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import vtc.engine.kernels.Parallel;
import vtc.engine.prune.KeptPatches;
import vtc.engine.prune.TokenSelector;

/**
 * Requests generating at the same time on one model are stepped together, and each gets what it
 * gets alone: identical ids (greedy and seeded sampling) and logits within 1e-4. Batched rows
 * differ from a lone row only in float32 summation order (~1e-6 on logits of O(1..10) after three
 * layers); 1e-4 is the decoder's tolerance against its double-precision reference, while a row
 * mixed up with another sequence's cache or position is off by O(0.1).
 */
class BatchSchedulerTest {

    private static final Parallel PARALLEL = new Parallel(2);
    private static final LlavaConfig CONFIG = RandomModel.tinyLlava(80);
    private static final RandomModel RANDOM = new RandomModel(3);
    private static final LlavaModel MODEL = new LlavaModel(CONFIG, RANDOM.llava(CONFIG), PARALLEL);
    private static final float[] PIXELS = RANDOM.pixels(CONFIG.vision());
    private static final int TOKENS = 10;
    private static final double LOGIT_TOL = 1e-4;
    /** One thread per concurrent request (the common pool may have a single thread on two cores). */
    private static final ExecutorService CALLERS = Executors.newCachedThreadPool();

    @AfterAll
    static void close() {
        CALLERS.shutdownNow();
        PARALLEL.close();
    }

    @Test
    void concurrentRequestsStepTogetherAndGetTheirAloneTokensAndLogits() throws Exception {
        List<GenerationRequest> requests = List.of(
                request(new int[] {1, 7, 23, 9, 4, 12}, new int[] {0, 2, 3}, greedy()),
                request(new int[] {1, 23, 5}, new int[] {1}, greedy()),
                request(new int[] {1, 3, 3, 8, 23, 11, 4, 6, 20, 9, 14}, new int[] {0, 1, 2, 3}, greedy()),
                request(new int[] {1, 7, 23, 9, 4, 12}, new int[] {0, 2, 3}, new GenerationOptions(TOKENS, 0.8, 0.9, 7, false)),
                request(new int[] {1, 16, 23, 2, 2}, new int[] {3}, new GenerationOptions(TOKENS, 1.2, 1, 11, false)));
        List<Run> alone = new ArrayList<>();
        for (GenerationRequest r : requests) {
            alone.add(run(r, null));
        }

        // The first request's listener (on the driver) holds the batch at its second token; only
        // then do the others start, and it lets go once all have joined, so the next step runs
        // all of them together.
        long everyone = MODEL.scheduler().joined() + requests.size();
        CountDownLatch holding = new CountDownLatch(1);
        List<CompletableFuture<Run>> together = new ArrayList<>();
        together.add(CompletableFuture.supplyAsync(() -> run(requests.get(0), step -> {
            if (step == 1) {
                holding.countDown();
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (MODEL.scheduler().joined() < everyone) {
                    assertTrue(System.nanoTime() < deadline, "the other requests never joined");
                    Thread.onSpinWait();
                }
            }
        }), CALLERS));
        assertTrue(holding.await(60, TimeUnit.SECONDS), "the first request never reached its second token");
        for (int i = 1; i < requests.size(); i++) {
            GenerationRequest r = requests.get(i);
            together.add(CompletableFuture.supplyAsync(() -> run(r, null), CALLERS));
        }
        for (int i = 0; i < requests.size(); i++) {
            Run batched = together.get(i).get();
            assertArrayEquals(alone.get(i).ids, batched.ids, "ids of request " + i);
            assertEquals(TOKENS, batched.logits.size());
            for (int t = 0; t < TOKENS; t++) {
                assertClose("request " + i + " token " + t, alone.get(i).logits.get(t), batched.logits.get(t));
            }
        }
        assertEquals(requests.size(), MODEL.scheduler().largestBatch(), "all requests were in one step");
    }

    @Test
    void aFailingListenerEndsOnlyItsOwnRequest() throws Exception {
        GenerationRequest r = request(new int[] {1, 7, 23, 9}, new int[] {0, 1}, greedy());
        int[] alone = MODEL.generate(r, null).generatedIds();
        var failing = CompletableFuture.supplyAsync(() -> MODEL.generate(r, (step, token, logits) -> {
            if (step == 3) {
                throw new IllegalStateException("listener gave up");
            }
        }), CALLERS);
        var healthy = CompletableFuture.supplyAsync(() -> MODEL.generate(r, null).generatedIds(), CALLERS);
        ExecutionException e = assertThrows(ExecutionException.class, failing::get);
        assertTrue(e.getCause().getMessage().contains("listener gave up"), e.getCause().toString());
        assertArrayEquals(alone, healthy.get());
    }

    /**
     * Another caller's long series of kernels (as a prompt pass issues) does not freeze the
     * decoding of a running request: tokens are counted from inside the series' first kernel to
     * inside its last, and the request is held at its second token until the series has begun.
     */
    @Test
    void decodingGoesOnDuringAnotherCallersLongSeriesOfKernels() throws Exception {
        int tokens = 70;
        int kernels = 40;
        AtomicInteger decoded = new AtomicInteger();
        CountDownLatch decoding = new CountDownLatch(1);
        CountDownLatch seriesBegun = new CountDownLatch(1);
        GenerationRequest r = request(new int[] {1, 7, 23, 9}, new int[] {0, 1}, new GenerationOptions(tokens, 0, 1, 0, false));
        var generation = CompletableFuture.supplyAsync(() -> MODEL.generate(r, (step, token, logits) -> {
            decoded.incrementAndGet();
            if (step == 1) {
                decoding.countDown();
                await(seriesBegun);
            }
        }), CALLERS);
        await(decoding);
        int[] seen = new int[2];
        for (int i = 0; i < kernels; i++) {
            int kernel = i;
            PARALLEL.forRange(2, (from, to) -> {
                if (from == 0 && kernel == 0) {
                    seen[0] = decoded.get();
                    seriesBegun.countDown();
                }
                if (from == 0 && kernel == kernels - 1) {
                    seen[1] = decoded.get();
                }
                sleepMillis(2);
            });
        }
        assertEquals(tokens, generation.get().generatedIds().length);
        int during = seen[1] - seen[0];
        assertTrue(during >= 3, "only " + during + " tokens were decoded during the other caller's " + kernels + " kernels");
    }

    /** An interrupted caller gets a CancellationException (interrupt kept); the batch goes on for the others. */
    @Test
    void anInterruptedCallerLeavesTheBatchAndTheOthersFinish() throws Exception {
        GenerationRequest r = request(new int[] {1, 7, 23, 9}, new int[] {0, 1}, new GenerationOptions(60, 0, 1, 0, false));
        int[] alone = MODEL.generate(r, null).generatedIds();
        CountDownLatch decoding = new CountDownLatch(1);
        Thread[] caller = new Thread[1];
        var interrupted = CompletableFuture.supplyAsync(() -> {
            caller[0] = Thread.currentThread();
            try {
                MODEL.generate(r, (step, token, logits) -> {
                    if (step == 1) {
                        decoding.countDown();
                        sleepMillis(50); // on the driver: the caller is waiting for its tokens
                    }
                });
                return "finished";
            } catch (java.util.concurrent.CancellationException e) {
                return Thread.currentThread().isInterrupted() ? "cancelled" : "cancelled without the interrupt";
            } finally {
                Thread.interrupted(); // the pool thread is reused
            }
        }, CALLERS);
        var healthy = CompletableFuture.supplyAsync(() -> MODEL.generate(r, null).generatedIds(), CALLERS);
        await(decoding);
        caller[0].interrupt();
        assertEquals("cancelled", interrupted.get());
        assertArrayEquals(alone, healthy.get());
    }

    /** A listener that starts a generation of the same model on the driver would wait for itself: refused. */
    @Test
    void aListenerCannotStartAGenerationOnTheDriver() {
        GenerationRequest r = request(new int[] {1, 7, 23, 9}, new int[] {0, 1}, new GenerationOptions(4, 0, 1, 0, false));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> MODEL.generate(r, (step, token, logits) -> {
            if (step == 1) {
                MODEL.generate(r, null);
            }
        }));
        assertTrue(e.getMessage().contains("wait for itself"), e.getMessage());
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(60, TimeUnit.SECONDS), "timed out");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private interface StepHook {
        void onStep(int step);
    }

    private static final class Run {
        int[] ids;
        final List<float[]> logits = new ArrayList<>();
    }

    private static Run run(GenerationRequest r, StepHook hook) {
        Run run = new Run();
        run.ids = MODEL.generate(r, (step, token, logits) -> {
            run.logits.add(logits.clone());
            if (hook != null) {
                hook.onStep(step);
            }
        }).generatedIds();
        return run;
    }

    private static GenerationOptions greedy() {
        return new GenerationOptions(TOKENS, 0, 1, 0, false);
    }

    private static GenerationRequest request(int[] prompt, int[] keep, GenerationOptions options) {
        TokenSelector fixed = shape -> new TokenSelector.Selection() {
            @Override
            public KeptPatches keepPatches(float[] features, int width) {
                return KeptPatches.of(keep.clone());
            }
        };
        return new GenerationRequest(PIXELS, prompt, fixed, options);
    }

    private static void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(expected[i] - actual[i]) <= LOGIT_TOL,
                    what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]);
        }
    }
}
