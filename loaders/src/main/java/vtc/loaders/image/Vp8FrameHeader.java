package vtc.loaders.image;

import java.nio.file.Path;

/**
 * The header of a VP8 key frame (RFC 6386, sections 9 and 19.2), which is all a WebP file holds:
 *
 * <ol>
 *   <li>a 3-byte frame tag (key frame flag, profile, show flag, size of the first partition) and,
 *       for key frames, the start code {@code 9d 01 2a} and the 14-bit width and height;</li>
 *   <li>the first partition, read with a {@link Vp8BoolDecoder}: colour space and clamping flags,
 *       segmentation (up to four segments with their own quantiser and filter level), the loop
 *       filter type, level and sharpness with optional per-mode deltas, the number of token
 *       partitions, the quantiser indices, and updates to the token probabilities. The rest of
 *       the first partition holds the per-macroblock modes, read later by
 *       {@link Vp8IntraModes};</li>
 *   <li>the sizes of the token partitions (3 bytes each, all but the last) and the partitions
 *       themselves, which hold the residual coefficients of macroblock rows in turn.</li>
 * </ol>
 */
final class Vp8FrameHeader {

    static final int SEGMENTS = 4;

    final int width;
    final int height;
    final int macroblocksWide;
    final int macroblocksHigh;

    /** The decoder positioned at the first macroblock's modes in the first partition. */
    final Vp8BoolDecoder modes;
    /** The token partitions; macroblock row {@code y} reads {@code tokens[y % tokens.length]}. */
    final Vp8BoolDecoder[] tokens;

    /** Whether macroblocks carry a segment id (else all are segment 0). */
    final boolean segmentMapUpdated;
    /** The three probabilities of the segment id tree. */
    final int[] segmentProbabilities = {255, 255, 255};
    /** Dequantisation factors of each segment. */
    final Vp8Quantizer.Factors[] quantizers = new Vp8Quantizer.Factors[SEGMENTS];

    /** 0 no loop filter, 1 simple, 2 normal (the header's level 0 turns it off). */
    final int filterType;
    /** Loop filter strength of each segment, for macroblocks predicted as a whole [0] and by subblocks [1]. */
    final Vp8LoopFilter.Strength[][] filterStrengths = new Vp8LoopFilter.Strength[SEGMENTS][2];

    /** Token probabilities after the header's updates (layout of {@link Vp8TokenProbabilities}). */
    final int[] tokenProbabilities = Vp8TokenProbabilities.DEFAULTS.clone();
    /** The probability that a macroblock has no non-zero coefficient, or -1 when the flag is not coded. */
    final int skipProbability;

    private Vp8FrameHeader(Path file, byte[] data, int start, int length, long maxPixels) {
        int[] picture = size(file, data, start, length);
        width = picture[0];
        height = picture[1];
        int firstPartitionSize = frameTag(data, start) >>> 5;
        ImageFiles.requireDecodableSize(file, width, height, maxPixels);
        macroblocksWide = (width + 15) >> 4;
        macroblocksHigh = (height + 15) >> 4;

        int first = start + 10;
        int rest = length - 10;
        if (firstPartitionSize > rest) {
            throw corrupt(file, "the first partition claims " + firstPartitionSize + " bytes, " + rest + " remain");
        }
        Vp8BoolDecoder in = new Vp8BoolDecoder(data, first, firstPartitionSize);
        in.readBit(); // colour space: only 0 (YCbCr as BT.601) is defined; decoders ignore it
        in.readBit(); // clamping type: reconstruction clamps to 0..255 either way

        // Segmentation
        boolean segmented = in.readBit() == 1;
        boolean mapUpdated = false;
        boolean absoluteValues = true;
        int[] segmentQuantizer = new int[SEGMENTS];
        int[] segmentFilterLevel = new int[SEGMENTS];
        if (segmented) {
            mapUpdated = in.readBit() == 1;
            if (in.readBit() == 1) { // segment data follow
                absoluteValues = in.readBit() == 1;
                for (int s = 0; s < SEGMENTS; s++) {
                    segmentQuantizer[s] = in.readOptionalSigned(7);
                }
                for (int s = 0; s < SEGMENTS; s++) {
                    segmentFilterLevel[s] = in.readOptionalSigned(6);
                }
            }
            if (mapUpdated) {
                for (int i = 0; i < 3; i++) {
                    segmentProbabilities[i] = in.readBit() == 1 ? in.readLiteral(8) : 255;
                }
            }
        }
        segmentMapUpdated = mapUpdated;
        if (in.ranOut()) {
            throw corrupt(file, "the segment header is truncated");
        }

        // Loop filter
        boolean simple = in.readBit() == 1;
        int level = in.readLiteral(6);
        int sharpness = in.readLiteral(3);
        int referenceDelta = 0; // the delta of intra frames (reference frame 0)
        int subblockModeDelta = 0; // the delta of macroblocks predicted by subblocks (mode delta 0)
        if (in.readBit() == 1) { // deltas enabled
            if (in.readBit() == 1) { // deltas updated
                for (int i = 0; i < 4; i++) {
                    int delta = in.readOptionalSigned(6);
                    if (i == 0) {
                        referenceDelta = delta;
                    }
                }
                for (int i = 0; i < 4; i++) {
                    int delta = in.readOptionalSigned(6);
                    if (i == 0) {
                        subblockModeDelta = delta;
                    }
                }
            }
        }
        filterType = level == 0 ? 0 : simple ? 1 : 2;
        if (in.ranOut()) {
            throw corrupt(file, "the loop filter header is truncated");
        }

        // Token partitions: their count, then 3-byte sizes of all but the last after the first partition
        int partitions = 1 << in.readLiteral(2);
        int sizesAt = first + firstPartitionSize;
        int afterFirst = rest - firstPartitionSize;
        int sizeBytes = 3 * (partitions - 1);
        if (afterFirst < sizeBytes) {
            throw corrupt(file, "the sizes of the " + partitions + " token partitions are missing");
        }
        tokens = new Vp8BoolDecoder[partitions];
        int partAt = sizesAt + sizeBytes;
        int left = afterFirst - sizeBytes;
        for (int p = 0; p < partitions - 1; p++) {
            int at = sizesAt + 3 * p;
            int size = (data[at] & 0xFF) | (data[at + 1] & 0xFF) << 8 | (data[at + 2] & 0xFF) << 16;
            size = Math.min(size, left); // as libwebp: a short partition is caught when a read runs past it
            tokens[p] = new Vp8BoolDecoder(data, partAt, size);
            partAt += size;
            left -= size;
        }
        if (left == 0) {
            throw corrupt(file, "the last token partition is empty");
        }
        tokens[partitions - 1] = new Vp8BoolDecoder(data, partAt, left);

        // Quantisers
        int baseIndex = in.readLiteral(7);
        int[] deltas = new int[5];
        for (int i = 0; i < 5; i++) {
            deltas[i] = in.readOptionalSigned(4);
        }
        for (int s = 0; s < SEGMENTS; s++) {
            int index = !segmented ? baseIndex
                    : absoluteValues ? segmentQuantizer[s] : baseIndex + segmentQuantizer[s];
            quantizers[s] = Vp8Quantizer.factors(index, deltas);
        }
        for (int s = 0; s < SEGMENTS; s++) {
            int base = !segmented ? level : absoluteValues ? segmentFilterLevel[s] : level + segmentFilterLevel[s];
            for (int subblocks = 0; subblocks < 2; subblocks++) {
                int l = base + referenceDelta + (subblocks == 1 ? subblockModeDelta : 0);
                filterStrengths[s][subblocks] = Vp8LoopFilter.Strength.of(Math.clamp(l, 0, 63), sharpness);
            }
        }

        in.readBit(); // refresh_entropy_probs: only matters for the frames after this one

        for (int i = 0; i < tokenProbabilities.length; i++) {
            if (in.readBool(Vp8TokenProbabilities.UPDATES[i])) {
                tokenProbabilities[i] = in.readLiteral(8);
            }
        }
        skipProbability = in.readBit() == 1 ? in.readLiteral(8) : -1;
        modes = in;
    }

    /**
     * Checks the uncompressed start of the VP8 data at {@code data[start, start + length)}: the
     * frame tag (a shown key frame of a known profile, whose first partition lies inside the data)
     * and the start code, and reads the picture size.
     *
     * @return {@code {width, height}}
     */
    static int[] size(Path file, byte[] data, int start, int length) {
        if (length < 10) {
            throw corrupt(file, "the frame header is truncated");
        }
        int tag = frameTag(data, start);
        boolean keyFrame = (tag & 1) == 0;
        int profile = (tag >> 1) & 7;
        boolean shown = ((tag >> 4) & 1) == 1;
        int firstPartitionSize = tag >>> 5;
        if (!keyFrame) {
            throw corrupt(file, "the frame is not a key frame");
        }
        if (profile > 3) {
            throw corrupt(file, "unknown profile " + profile);
        }
        if (!shown) {
            throw corrupt(file, "the frame is marked invisible");
        }
        if (firstPartitionSize >= length) {
            throw corrupt(file, "the first partition claims " + firstPartitionSize + " bytes of a " + length + "-byte frame");
        }
        if ((data[start + 3] & 0xFF) != 0x9d || (data[start + 4] & 0xFF) != 0x01 || (data[start + 5] & 0xFF) != 0x2a) {
            throw corrupt(file, "the key frame start code is missing");
        }
        // The top two bits of each dimension are an upscaling hint for players, not part of the size.
        int width = ((data[start + 6] & 0xFF) | (data[start + 7] & 0xFF) << 8) & 0x3FFF;
        int height = ((data[start + 8] & 0xFF) | (data[start + 9] & 0xFF) << 8) & 0x3FFF;
        if (width == 0 || height == 0) {
            throw corrupt(file, "the frame is " + width + "x" + height + " pixels");
        }
        return new int[] {width, height};
    }

    /** The 24-bit frame tag: key frame flag (0 = key), profile, show flag, then the first partition's size. */
    private static int frameTag(byte[] data, int start) {
        return (data[start] & 0xFF) | (data[start + 1] & 0xFF) << 8 | (data[start + 2] & 0xFF) << 16;
    }

    /** Parses the frame header of the VP8 data at {@code data[start, start + length)}. */
    static Vp8FrameHeader read(Path file, byte[] data, int start, int length, long maxPixels) {
        return new Vp8FrameHeader(file, data, start, length, maxPixels);
    }

    static ImageFileException corrupt(Path file, String what) {
        return new ImageFileException(file, "corrupt WebP lossy data: " + what);
    }
}
