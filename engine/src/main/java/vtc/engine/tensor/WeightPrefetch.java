package vtc.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads the pages of memory-mapped weights into memory on one background thread, so a layer's
 * weights arrive from disk while the layer before it computes. Without it a cold checkpoint is
 * read by page faults inside the matrix products, one stall at a time; with it, disk reads and
 * arithmetic overlap. Weights that are not file mappings (tests, heap copies) are ignored.
 *
 * <p>One daemon thread per JVM, started on first use; requests never block the caller (when the
 * queue is full, the request is dropped and the pages simply fault in as before). A checkpoint
 * closed while its pages are being read ends that read, nothing more.
 */
public final class WeightPrefetch {

    /** Pages are read a slice at a time, so a closed checkpoint stops the thread within one slice. */
    private static final long SLICE_BYTES = 4L << 20;
    private static final BlockingQueue<MemorySegment> PENDING = new ArrayBlockingQueue<>(256);

    static {
        Thread reader = new Thread(WeightPrefetch::readForever, "vtc-weight-prefetch");
        reader.setDaemon(true);
        reader.start();
    }

    private WeightPrefetch() {
    }

    /** Asks for {@code weights}' pages to be read soon; returns at once. */
    public static void request(WeightMatrix weights) {
        MemorySegment data = weights.data();
        if (data.isMapped()) {
            PENDING.offer(data);
        }
    }

    private static void readForever() {
        while (true) {
            try {
                read(PENDING.take());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void read(MemorySegment data) {
        try {
            for (long at = 0; at < data.byteSize(); at += SLICE_BYTES) {
                data.asSlice(at, Math.min(SLICE_BYTES, data.byteSize() - at)).load();
            }
        } catch (IllegalStateException | UnsupportedOperationException closedOrNotMapped) {
            // The checkpoint was closed meanwhile: nothing left to read.
        }
    }
}
