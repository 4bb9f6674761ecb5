package vtc.engine.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed pool of worker threads that splits index ranges across cores. Created once and
 * shared; a kernel call blocks until every part of its range is done.
 *
 * <p>The pool holds {@code threads − 1} daemon workers; the calling thread is the last one and
 * takes part in the work. A job is posted into one shared slot (no allocation per call); the
 * range is cut into chunks that threads claim from an atomic counter, so a slow thread delays
 * the job by at most one chunk. Jobs from several application threads take turns through a fair
 * lock, which {@link #exclusively} can hold across a whole series of jobs (a decode step of
 * every layer) so that a caller's series is not cut by others but others run between series.
 * A {@code forRange} issued from inside a running task (nested parallelism) runs inline.
 *
 * <p>Idle workers spin briefly before parking, so back-to-back kernel calls (the layers of a
 * model) do not pay the wake-up latency of a parked thread each time.
 */
public final class Parallel implements AutoCloseable {

    /** Body of a parallel loop over {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int from, int to);
    }

    /** Chunks per thread: enough to balance uneven chunks, few enough to keep claiming cheap. */
    private static final int CHUNKS_PER_THREAD = 4;
    /** Spin iterations (~tens of microseconds) before an idle thread parks. */
    private static final int SPINS = 20_000;
    private static final long NO_JOB = 0;

    private final int threads;
    private final Worker[] workers;
    private final ReentrantLock submitLock = new ReentrantLock();
    /** Held per job, or per series of jobs by {@link #exclusively}; fair, so waiting callers alternate. */
    private final ReentrantLock turn = new ReentrantLock(true);

    // The job slot. Written only by the submitting thread while no worker is inside the job.
    private RangeTask task;
    private int rangeEnd;
    private int chunkSize;
    private int chunkCount;
    private volatile Thread submitter;
    private volatile Throwable failure;

    /** Number of the posted job, or NO_JOB between jobs; workers enter only a posted job. */
    private volatile long postedJob = NO_JOB;
    private long lastJob = NO_JOB;
    private final AtomicInteger nextChunk = new AtomicInteger();
    private final AtomicInteger doneChunks = new AtomicInteger();
    /** Workers that entered the posted job and may still read its slot. */
    private final AtomicInteger inside = new AtomicInteger();
    private volatile boolean closed;

    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].start();
        }
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code task} over {@code [0, n)}, split into contiguous chunks that the calling thread
     * and the workers claim dynamically. Every index is covered by exactly one call. If a chunk
     * throws, the remaining chunks are skipped and the first exception is rethrown here.
     */
    public void forRange(int n, RangeTask task) {
        if (n <= 0) {
            return;
        }
        if (closed) {
            throw new IllegalStateException("Parallel pool is closed");
        }
        if (workers.length == 0 || n == 1 || runsInsideThisPool()) {
            task.run(0, n);
            return;
        }
        turn.lock();
        submitLock.lock();
        try {
            post(n, task);
            runChunks();
            awaitChunks();
            retire();
            rethrowFailure();
        } finally {
            submitLock.unlock();
            turn.unlock();
        }
    }

    /**
     * Runs {@code section} (which issues jobs on this pool) without jobs of other callers in
     * between; callers waiting meanwhile go next, in arrival order, before the section's caller
     * gets another turn. Must not be called from inside a task of this pool.
     *
     * @return whether other callers were waiting for the pool when the section ended
     */
    public boolean exclusively(Runnable section) {
        turn.lock();
        try {
            section.run();
            return turn.hasQueuedThreads();
        } finally {
            turn.unlock();
        }
    }

    /** Whether some caller is running a job or waiting for its turn right now. */
    public boolean busy() {
        return turn.isLocked() || turn.hasQueuedThreads();
    }

    private boolean runsInsideThisPool() {
        return submitLock.isHeldByCurrentThread()
                || (Thread.currentThread() instanceof Worker w && w.pool() == this);
    }

    private void post(int n, RangeTask job) {
        int chunks = Math.min(n, threads * CHUNKS_PER_THREAD);
        this.task = job;
        this.rangeEnd = n;
        this.chunkSize = (n + chunks - 1) / chunks;
        this.chunkCount = (n + chunkSize - 1) / chunkSize;
        this.failure = null;
        this.submitter = Thread.currentThread();
        nextChunk.set(0);
        doneChunks.set(0);
        postedJob = ++lastJob;
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
    }

    /** Claims and runs chunks of the posted job until none is left. */
    private void runChunks() {
        int chunks = chunkCount;
        int size = chunkSize;
        int end = rangeEnd;
        RangeTask job = task;
        for (int c = nextChunk.getAndIncrement(); c < chunks; c = nextChunk.getAndIncrement()) {
            try {
                if (failure == null) {
                    int from = c * size;
                    job.run(from, Math.min(end, from + size));
                }
            } catch (Throwable t) {
                if (failure == null) {
                    failure = t;
                }
            } finally {
                if (doneChunks.incrementAndGet() == chunks) {
                    LockSupport.unpark(submitter);
                }
            }
        }
    }

    private void awaitChunks() {
        int chunks = chunkCount;
        for (int spin = 0; doneChunks.get() < chunks; spin++) {
            if (spin < SPINS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(this, 100_000);
            }
        }
    }

    /**
     * Withdraws the job, then waits for workers that entered it to leave, so the next job may
     * overwrite the slot. A worker that reads the job number before the withdrawal either is
     * counted in {@code inside} here or sees the withdrawal on its re-check and never reads the slot.
     */
    private void retire() {
        postedJob = NO_JOB;
        while (inside.get() != 0) {
            Thread.onSpinWait();
        }
        task = null;
        submitter = null;
    }

    private void rethrowFailure() {
        Throwable t = failure;
        failure = null;
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException("parallel task failed", t);
        }
    }

    /** Stops the workers; later calls to {@link #forRange} fail. */
    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
    }

    private final class Worker extends Thread {

        Worker(int index) {
            super("vtc-worker-" + index);
            setDaemon(true);
        }

        Parallel pool() {
            return Parallel.this;
        }

        @Override
        public void run() {
            long seen = NO_JOB;
            int idle = 0;
            while (!closed) {
                long job = postedJob;
                if (job == NO_JOB || job == seen) {
                    idle = waitForWork(idle);
                    continue;
                }
                idle = 0;
                inside.incrementAndGet();
                try {
                    if (postedJob == job) {
                        seen = job;
                        runChunks();
                    }
                } finally {
                    inside.decrementAndGet();
                }
            }
        }

        private int waitForWork(int idle) {
            if (idle < SPINS) {
                Thread.onSpinWait();
                return idle + 1;
            }
            LockSupport.park(Parallel.this);
            return idle;
        }
    }
}
