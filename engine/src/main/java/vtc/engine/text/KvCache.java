package vtc.engine.text;

/**
 * The keys (already rotated) and values of every token a request has run through each decoder
 * layer, with the decoder position of each entry. Sized per request from the prompt length plus
 * the tokens to generate. With FastV the layers hold different numbers of entries: the layers
 * after the pruning layer only cache the kept tokens. Entries are appended in strictly ascending
 * position order, so the causal mask is "every entry up to the query's position".
 */
public final class KvCache {

    /** The largest float[] a JVM reliably allocates. */
    static final long MAX_LAYER_FLOATS = Integer.MAX_VALUE - 8;

    private final int kvDim;
    private final int capacity;
    private final float[][] keys;
    private final float[][] values;
    private final int[][] positions;
    private final int[] length;

    public KvCache(int layers, int kvDim, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("KV cache capacity must be >= 1, got " + capacity);
        }
        if ((long) capacity * kvDim > MAX_LAYER_FLOATS) {
            throw new IllegalArgumentException("a KV cache of " + capacity + " positions x " + kvDim
                    + " floats per layer does not fit in one Java array");
        }
        this.kvDim = kvDim;
        this.capacity = capacity;
        this.keys = new float[layers][capacity * kvDim];
        this.values = new float[layers][capacity * kvDim];
        this.positions = new int[layers][capacity];
        this.length = new int[layers];
    }

    /** Bytes the keys and values of {@code capacity} positions take over all layers. */
    public static long bytes(int layers, int kvDim, long capacity) {
        return 2L * layers * kvDim * capacity * Float.BYTES;
    }

    public int capacity() {
        return capacity;
    }

    /** Bytes this cache's keys and values take. */
    public long bytes() {
        return bytes(keys.length, kvDim, capacity);
    }

    /**
     * A new cache of {@code capacity} positions holding a copy of the first {@code entries}
     * entries of every layer: a prompt prefix kept for reuse, or a request starting from one.
     */
    public KvCache copyPrefix(int entries, int capacity) {
        KvCache copy = new KvCache(keys.length, kvDim, capacity);
        for (int layer = 0; layer < keys.length; layer++) {
            if (entries > length[layer] || entries > capacity) {
                throw new IllegalArgumentException("cannot copy " + entries + " entries of layer " + layer + ", which holds "
                        + length[layer] + ", into a cache of " + capacity);
            }
            System.arraycopy(keys[layer], 0, copy.keys[layer], 0, entries * kvDim);
            System.arraycopy(values[layer], 0, copy.values[layer], 0, entries * kvDim);
            System.arraycopy(positions[layer], 0, copy.positions[layer], 0, entries);
            copy.length[layer] = entries;
        }
        return copy;
    }

    /** Entries cached for {@code layer}. */
    public int length(int layer) {
        return length[layer];
    }

    float[] keys(int layer) {
        return keys[layer];
    }

    float[] values(int layer) {
        return values[layer];
    }

    int[] positions(int layer) {
        return positions[layer];
    }

    /** Appends {@code rows} key/value rows with their positions to {@code layer}. */
    void append(int layer, float[] k, float[] v, int rows, int[] rowPositions) {
        int at = length[layer];
        if (at + rows > capacity) {
            throw new IllegalStateException("KV cache of layer " + layer + " is full: " + at + " + " + rows
                    + " entries exceed its capacity " + capacity);
        }
        for (int i = 0; i < rows; i++) {
            int last = at + i == 0 ? Integer.MIN_VALUE : positions[layer][at + i - 1];
            if (rowPositions[i] <= last) {
                throw new IllegalStateException("KV cache positions must ascend: " + rowPositions[i]
                        + " after " + last + " in layer " + layer);
            }
            positions[layer][at + i] = rowPositions[i];
        }
        System.arraycopy(k, 0, keys[layer], at * kvDim, rows * kvDim);
        System.arraycopy(v, 0, values[layer], at * kvDim, rows * kvDim);
        length[layer] = at + rows;
    }
}
