package vtc.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vtc.engine.llava.Conversation;
import vtc.engine.llava.GenerationOptions;
import vtc.engine.stop.GenerationStoppedException;
import vtc.engine.stop.StopReason;
import vtc.fixtures.Fixtures;

/**
 * Stopping a running request: an interrupt (also what {@code Future.cancel(true)} sends) or a
 * deadline ends it at the next stop point with a typed exception, and the model answers the next
 * request exactly as before. {@code close()} may be called twice.
 */
class LlavaStoppingTest {

    /** Long enough that a request still runs when it is stopped: no end-of-sequence stop. */
    private static final GenerationOptions LONG = new GenerationOptions(400, 0, 1, 0, false);
    private static final Llava.Request TEXT = Llava.Request.of(Conversation.ofText("Tell me a long story"))
            .withOptions(LONG);

    private static Llava llava;
    private static int[] uninterrupted;

    @BeforeAll
    static void load() {
        llava = Llava.load(Fixtures.model(Fixtures.TINY_LLAVA), 1);
        uninterrupted = llava.generate(TEXT, null).generation().generatedIds();
        assertEquals(400, uninterrupted.length);
    }

    @AfterAll
    static void close() {
        llava.close();
    }

    /**
     * Tokens after the first are chosen on the decode batch's thread, so the listener interrupts
     * the caller's thread, as any other thread would; the request leaves the batch at its next step.
     */
    @Test
    void anInterruptStopsDecodingAtTheNextStepAndTheModelStaysUsable() {
        Thread caller = Thread.currentThread();
        int[] pieces = {0};
        var e = assertThrows(GenerationStoppedException.class, () -> llava.generate(TEXT, text -> {
            if (++pieces[0] == 3) {
                caller.interrupt();
            }
        }));
        assertTrue(Thread.interrupted(), "the interrupt stays set for the caller to see");
        assertEquals(StopReason.INTERRUPTED, e.reason());
        assertEquals("decode", e.stage());
        // the third piece came with token 3 or later; what was generated is the uninterrupted run's start
        int t = e.generatedIds().length;
        assertTrue(t >= 3 && t < 400, "stopped after " + t + " tokens");
        int[] prefix = java.util.Arrays.copyOf(uninterrupted, t);
        assertArrayEquals(prefix, e.generatedIds());
        assertArrayEquals(uninterrupted, llava.generate(TEXT, null).generation().generatedIds(), "the model is unaffected");
    }

    @Test
    void anInterruptBeforeTheStartStopsAtTheFirstLayer() {
        Thread.currentThread().interrupt();
        var image = assertThrows(GenerationStoppedException.class, () -> llava.generate(
                Llava.Request.of(Fixtures.model(Fixtures.TINY_LLAVA).resolve("golden/image1.png"), "q"), null));
        assertEquals("vision", image.stage());
        var text = assertThrows(GenerationStoppedException.class, () -> llava.generate(TEXT, null));
        assertEquals("prefill", text.stage());
        assertEquals(0, text.generatedIds().length);
        assertTrue(Thread.interrupted());
    }

    @Test
    void futureCancelStopsTheRequestRunningInAnExecutor() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        try (ExecutorService pool = Executors.newSingleThreadExecutor()) {
            Future<?> future = pool.submit(() -> {
                try {
                    llava.generate(TEXT, text -> started.countDown());
                    outcome.complete(null);
                } catch (Throwable t) {
                    outcome.complete(t);
                }
            });
            assertTrue(started.await(30, TimeUnit.SECONDS));
            future.cancel(true);
            Throwable t = outcome.get(30, TimeUnit.SECONDS);
            var stopped = assertInstanceOf(GenerationStoppedException.class, t);
            assertEquals(StopReason.INTERRUPTED, stopped.reason());
            assertTrue(stopped.generatedIds().length < 400);
        }
        assertArrayEquals(uninterrupted, llava.generate(TEXT, null).generation().generatedIds());
    }

    @Test
    void aDeadlineStopsTheRequestWithItsOwnReason() {
        var e = assertThrows(GenerationStoppedException.class,
                () -> llava.generate(TEXT.withTimeout(Duration.ofNanos(1)), null));
        assertEquals(StopReason.DEADLINE, e.reason());
        assertEquals("prefill", e.stage());
        // a deadline long enough changes nothing
        assertArrayEquals(uninterrupted, llava.generate(TEXT.withTimeout(Duration.ofMinutes(5)), null).generation().generatedIds());
    }

    @Test
    void closeTwiceIsFineAndAClosedModelRefusesWork() {
        Llava second = Llava.load(Fixtures.model(Fixtures.TINY_LLAVA), 1);
        second.close();
        second.close();
        assertThrows(IllegalStateException.class, () -> second.generate(TEXT, null));
    }
}
