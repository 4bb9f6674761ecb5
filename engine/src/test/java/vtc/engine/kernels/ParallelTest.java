package vtc.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
