package vtc.engine.llava;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import vtc.engine.text.KvCache;

/**
 * The decoder's KV cache of a prompt up to the end of its image tokens, kept for the next
 * question about the same image. When the kept visual tokens depend on the image alone (VTC-CLS,
 * the baselines, PruMerge — not FastV, which looks at the question), everything before the
 * question is the same for every question about that image: the ViT, the selection, the
 * projector and the prompt pass over the template's start and the image rows. A follow-up then
 * runs only its question's tokens through the decoder.
 *
 * <p>Entries are found by the SHA-256 of the preprocessed pixels (so the image file and its
 * preprocessing both count), the selector's {@linkplain vtc.engine.prune.TokenSelector#imageOnlyKey
 * image-only key} (method and parameters) and the prompt ids up to the image token (the
 * template's start). The least recently used entries are dropped to stay within a byte budget.
 * Thread-safe; an entry is never changed after it is stored (requests copy it out).
 */
public final class PrefixCache {

    private final long budgetBytes;
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;
    private long hits;
    private long misses;

    /** @param budgetBytes the most bytes of KV cache kept over all entries (> 0) */
    public PrefixCache(long budgetBytes) {
        if (budgetBytes <= 0) {
            throw new IllegalArgumentException("the prefix cache budget must be > 0 bytes, got " + budgetBytes);
        }
        this.budgetBytes = budgetBytes;
    }

    public long budgetBytes() {
        return budgetBytes;
    }

    /** Bytes of KV cache held now. */
    public synchronized long bytes() {
        return bytes;
    }

    public synchronized int size() {
        return entries.size();
    }

    /** Requests that reused a stored prefix. */
    public synchronized long hits() {
        return hits;
    }

    /** Cacheable requests that found no stored prefix (and ran the ViT). */
    public synchronized long misses() {
        return misses;
    }

    synchronized Entry get(Key key) {
        Entry e = entries.get(key);
        if (e == null) {
            misses++;
        } else {
            hits++;
        }
        return e;
    }

    /** Stores an entry, dropping the least recently used ones to stay in budget; one larger than the budget is not kept. */
    synchronized void put(Key key, Entry entry) {
        if (entry.bytes() > budgetBytes) {
            return;
        }
        Entry old = entries.put(key, entry);
        bytes += entry.bytes() - (old == null ? 0 : old.bytes());
        for (Iterator<Entry> it = entries.values().iterator(); bytes > budgetBytes && it.hasNext(); ) {
            Entry eldest = it.next();
            if (eldest != entry) {
                bytes -= eldest.bytes();
                it.remove();
            }
        }
    }

    /**
     * What a follow-up question reuses.
     *
     * @param prefix      the KV cache of the prompt's first {@code rows} rows (text before the image, then the image rows)
     * @param patches     the patches the image rows come from, in output order
     * @param imageRows   how many image rows the decoder received
     */
    record Entry(KvCache prefix, int rows, int[] patches, int imageRows) {

        long bytes() {
            return prefix.bytes();
        }
    }

    /** Pixels digest, selector key and prompt ids up to and including the image token. */
    static final class Key {
        private final byte[] pixelDigest;
        private final String selector;
        private final int[] idsThroughImage;
        private final int hash;

        Key(float[] pixels, String selector, int[] promptIds, int imagePosition) {
            this.pixelDigest = sha256(pixels);
            this.selector = Objects.requireNonNull(selector, "selector");
            this.idsThroughImage = Arrays.copyOf(promptIds, imagePosition + 1);
            this.hash = 31 * (31 * Arrays.hashCode(pixelDigest) + selector.hashCode()) + Arrays.hashCode(idsThroughImage);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && hash == k.hash && Arrays.equals(pixelDigest, k.pixelDigest)
                    && selector.equals(k.selector) && Arrays.equals(idsThroughImage, k.idsThroughImage);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        private static byte[] sha256(float[] pixels) {
            ByteBuffer bytes = ByteBuffer.allocate(pixels.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(pixels);
            try {
                return MessageDigest.getInstance("SHA-256").digest(bytes.array());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK provides SHA-256", e);
            }
        }
    }
}
