package vtc.server;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most {@code running} requests generate at once and at most {@code waiting} wait for a turn,
 * in arrival order; one more is refused at once (the client sees 503 and retries later) rather
 * than piling up memory and latency.
 */
final class Admission {

    private final Semaphore slots;
    private final int waitingLimit;
    private final AtomicInteger waiting = new AtomicInteger();

    Admission(int running, int waitingLimit) {
        this.slots = new Semaphore(running, true);
        this.waitingLimit = waitingLimit;
    }

    /** Takes a slot, waiting in line if needed; false if the line is full. */
    boolean enter() throws InterruptedException {
        if (slots.tryAcquire()) {
            return true;
        }
        if (waiting.incrementAndGet() > waitingLimit) {
            waiting.decrementAndGet();
            return false;
        }
        try {
            slots.acquire();
            return true;
        } finally {
            waiting.decrementAndGet();
        }
    }

    void leave() {
        slots.release();
    }

    int waiting() {
        return waiting.get();
    }
}
