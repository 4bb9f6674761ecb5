package vtc.engine.prune;

/**
 * Where a selection drops visual tokens: before the projector ({@code decoderLayer == 0}; the
 * projector and the whole decoder see only the kept rows) or before decoder layer K ≥ 1 (layers
 * 0..K−1 see every image token, later layers and their KV cache only the kept ones, at their
 * original positions).
 */
public record Cut(int decoderLayer) {

    public static final Cut BEFORE_PROJECTOR = new Cut(0);

    public Cut {
        if (decoderLayer < 0) {
            throw new IllegalArgumentException("decoderLayer must be >= 0, got " + decoderLayer);
        }
    }

    /** A cut before decoder layer {@code k} ≥ 1: layer K−1's attention is what the selection sees. */
    public static Cut beforeDecoderLayer(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1 (layer 0 has no attention to choose by), got " + k);
        }
        return new Cut(k);
    }

    public boolean isInDecoder() {
        return decoderLayer > 0;
    }
}
