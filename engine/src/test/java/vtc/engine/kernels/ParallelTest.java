package vtc.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ParallelTest {

    @Test
    void everyIndexRunsExactlyOnce() {
        for (int threads : new int[] {1, 2, 3, 5}) {
            try (Parallel p = new Parallel(threads)) {
                for (int n : new int[] {0, 1, 2, 3, 7, 8, 9, 100, 1001}) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(n);
                    for (int repeat = 0; repeat < 20; repeat++) {
                        p.forRange(n, (from, to) -> {
                            assertTrue(0 <= from && from < to && to <= n, from + ".." + to);
                            for (int i = from; i < to; i++) {
                                hits.incrementAndGet(i);
                            }
                        });
                    }
                    for (int i = 0; i < n; i++) {
                        assertEquals(20, hits.get(i), "threads=" + threads + " n=" + n + " index " + i);
                    }
                }
            }
        }
    }

    @Test
    void aFailingChunkReachesTheCallerAndThePoolStaysUsable() {
        try (Parallel p = new Parallel(3)) {
            IllegalStateException boom = new IllegalStateException("boom");
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> p.forRange(64, (from, to) -> {
                if (from <= 40 && 40 < to) {
                    throw boom;
                }
            }));
            assertSame(boom, thrown);
            AssertionError error = assertThrows(AssertionError.class,
                    () -> p.forRange(64, (from, to) -> {
                        throw new AssertionError("error " + from);
                    }));
            assertTrue(error.getMessage().startsWith("error "));
            AtomicLong sum = new AtomicLong();
            p.forRange(100, (from, to) -> {
                for (int i = from; i < to; i++) {
                    sum.addAndGet(i);
                }
            });
            assertEquals(4950, sum.get());
        }
    }

    @Test
    void concurrentCallersEachGetTheirWholeRange() throws InterruptedException {
        try (Parallel p = new Parallel(2)) {
            Thread[] callers = new Thread[4];
            long[] sums = new long[callers.length];
            for (int c = 0; c < callers.length; c++) {
                int caller = c;
                callers[c] = new Thread(() -> {
                    for (int job = 0; job < 300; job++) {
                        AtomicLong sum = new AtomicLong();
                        p.forRange(50 + caller, (from, to) -> {
                            for (int i = from; i < to; i++) {
                                sum.addAndGet(i);
                            }
                        });
                        sums[caller] += sum.get();
                    }
                });
                callers[c].start();
            }
            for (Thread t : callers) {
                t.join();
            }
            for (int c = 0; c < callers.length; c++) {
                long n = 50 + c;
                assertEquals(300 * n * (n - 1) / 2, sums[c], "caller " + c);
            }
        }
    }

    @Test
    void nestedForRangeRunsInline() {
        try (Parallel p = new Parallel(2)) {
            AtomicIntegerArray hits = new AtomicIntegerArray(16 * 8);
            p.forRange(16, (from, to) -> {
                for (int i = from; i < to; i++) {
                    int outer = i;
                    p.forRange(8, (f, t) -> {
                        for (int j = f; j < t; j++) {
                            hits.incrementAndGet(outer * 8 + j);
                        }
                    });
                }
            });
            for (int i = 0; i < hits.length(); i++) {
                assertEquals(1, hits.get(i));
            }
        }
    }

    @Test
    void closedPoolRejectsWorkAndBadSizesAreRejected() {
        Parallel p = new Parallel(2);
        p.close();
        assertThrows(IllegalStateException.class, () -> p.forRange(10, (from, to) -> { }));
        assertThrows(IllegalArgumentException.class, () -> new Parallel(0));
    }

    /**
     * A job another thread submits while a section runs waits for the whole section, then runs
     * before the section's caller gets the pool again; the section's own jobs still use every
     * thread of the pool.
     */
    @Test
    void anExclusiveSectionIsNotCutAndWaitingCallersGoNext() throws Exception {
        try (Parallel p = new Parallel(2)) {
            List<String> order = new CopyOnWriteArrayList<>();
            CountDownLatch inSection = new CountDownLatch(1);
            CountDownLatch otherWaiting = new CountDownLatch(1);
            Thread other = new Thread(() -> {
                try {
                    inSection.await();
                    otherWaiting.countDown();
                    p.forRange(2, (from, to) -> order.add("other"));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            other.start();
            java.util.Set<Thread> sectionThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();
            p.exclusively(() -> {
                p.forRange(8, (from, to) -> order.add("first"));
                inSection.countDown();
                try {
                    assertTrue(otherWaiting.await(10, TimeUnit.SECONDS));
                    while (other.getState() != Thread.State.WAITING) { // parked, waiting for its turn
                        Thread.sleep(1);
                    }
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                p.forRange(64, (from, to) -> {
                    sectionThreads.add(Thread.currentThread());
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                });
                order.add("second");
            });
            p.exclusively(() -> order.add("next section"));
            other.join(10_000);
            List<String> withoutChunks = order.stream().distinct().toList();
            assertEquals(List.of("first", "second", "other", "next section"), withoutChunks);
            assertEquals(2, sectionThreads.size(), "the section's jobs ran on both threads");
        }
    }
}
