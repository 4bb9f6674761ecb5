package vtc.server;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where generations run: {@code running} platform threads and a line of at most {@code waiting}
 * requests in arrival order; one more is refused at once (503) rather than piling up memory and
 * latency. Generation is long CPU-bound work, so it runs on platform threads of its own: on the
 * virtual threads that handle HTTP exchanges it would occupy their few carrier threads and keep
 * {@code /health}, {@code /metrics} and the 503s waiting behind it.
 */
final class GenerationSlots implements AutoCloseable {

    private final ThreadPoolExecutor pool;

    GenerationSlots(int running, int waiting) {
        BlockingQueue<Runnable> line = waiting == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(waiting, true);
        AtomicInteger count = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(running, running, 0, TimeUnit.SECONDS, line, task -> {
            Thread t = new Thread(task, "vtc-generate-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Queues {@code work}; null if the line is full. */
    <T> Future<T> submit(Callable<T> work) {
        try {
            return pool.submit(work);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    int waiting() {
        return pool.getQueue().size();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
