package vtc.loaders.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The RIFF container of a WebP file (WebP container specification): a sequence of chunks, each
 * a four-letter id, a 32-bit little-endian size and the data, padded to an even length.
 *
 * <ul>
 *   <li>Simple files hold one image chunk: {@code VP8 } (lossy, {@link Vp8Decoder}) or
 *       {@code VP8L} (lossless, {@link WebpLossless}).</li>
 *   <li>Extended files start with {@code VP8X} (feature flags and the canvas size); a still image
 *       is then an optional {@code ALPH} chunk ({@link WebpAlpha}) followed by {@code VP8 }, or a
 *       {@code VP8L} chunk; an animation is an {@code ANIM} chunk and one {@code ANMF} chunk per
 *       frame ({@link WebpAnimation}). Metadata chunks (ICCP, EXIF, XMP, unknown ones) are skipped.</li>
 * </ul>
 *
 * The result is what Pillow's {@code convert("RGB")} gives: alpha is dropped, the colour values
 * under it are kept as decoded.
 */
final class WebpFile {

    private WebpFile() {
    }

    /** Whether the first bytes are a WebP signature ("RIFF" size "WEBP"). */
    static boolean isWebp(byte[] head) {
        return head.length >= 12 && new String(head, 0, 4, StandardCharsets.ISO_8859_1).equals("RIFF")
                && new String(head, 8, 4, StandardCharsets.ISO_8859_1).equals("WEBP");
    }

    /** One chunk: its id and where its data lie in the file. */
    record Chunk(String id, int start, int size) {
    }

    /** Reads the chunk header at {@code at} and checks that the chunk lies within {@code end}. */
    static Chunk chunkAt(Path file, byte[] data, int at, int end) {
        if (at + 8 > end) {
            throw new ImageFileException(file, "truncated WebP file (a chunk header is cut off)");
        }
        String id = new String(data, at, 4, StandardCharsets.ISO_8859_1);
        long size = le32(data, at + 4);
        if (size + (size & 1) > end - (at + 8)) { // with its padding byte, as libwebp requires
            throw new ImageFileException(file, "truncated WebP file (chunk " + printable(id) + " claims " + size
                    + " bytes)");
        }
        return new Chunk(id, at + 8, (int) size);
    }

    /** Where the chunk after {@code c} starts (chunks are padded to an even size). */
    static int next(Chunk c) {
        return c.start() + c.size() + (c.size() & 1);
    }

    static RgbImage read(Path file, long maxPixels) {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ImageFileException(file, "cannot read the file: " + e.getMessage(), e);
        }
        // The RIFF size covers everything after its own field; bytes past it are not part of the file.
        long riffEnd = 8 + le32(data, 4);
        if (riffEnd > data.length) {
            throw new ImageFileException(file, "truncated WebP file (the RIFF header claims " + riffEnd + " bytes, the file has "
                    + data.length + ")");
        }
        int end = (int) riffEnd;
        Chunk first = chunkAt(file, data, 12, end);
        switch (first.id()) {
            case "VP8 ":
                return lossy(file, data, first, null, maxPixels);
            case "VP8L":
                return WebpLossless.decode(file, data, first.start(), first.size(), maxPixels);
            case "VP8X":
                return extended(file, data, first, end, maxPixels);
            default:
                throw new ImageFileException(file, "corrupt WebP: the first chunk is " + printable(first.id())
                        + ", not VP8, VP8L or VP8X");
        }
    }

    /** An extended file: a still image (with optional alpha) or the first frame of an animation. */
    private static RgbImage extended(Path file, byte[] data, Chunk vp8x, int end, long maxPixels) {
        if (vp8x.size() < 10) {
            throw new ImageFileException(file, "corrupt WebP: the VP8X chunk is too short");
        }
        int flags = data[vp8x.start()] & 0xFF;
        if ((flags & ~0x3E) != 0) { // defined: ICC profile, alpha, EXIF, XMP, animation
            throw new ImageFileException(file, "corrupt WebP: reserved VP8X flags set (0x" + Integer.toHexString(flags) + ")");
        }
        boolean animated = (flags & 0x02) != 0;
        int canvasWidth = le24(data, vp8x.start() + 4) + 1;
        int canvasHeight = le24(data, vp8x.start() + 7) + 1;
        ImageFiles.requireDecodableSize(file, canvasWidth, canvasHeight, maxPixels);
        if (animated) {
            return WebpAnimation.firstFrame(file, data, next(vp8x), end, canvasWidth, canvasHeight, maxPixels);
        }
        RgbImage image = stillImage(file, data, next(vp8x), end, maxPixels);
        if (image == null) {
            throw new ImageFileException(file, "WebP file without an image chunk");
        }
        if (image.width() != canvasWidth || image.height() != canvasHeight) {
            throw new ImageFileException(file, "corrupt WebP: a " + image.width() + "x" + image.height()
                    + " image on a " + canvasWidth + "x" + canvasHeight + " canvas");
        }
        return image;
    }

    /**
     * Decodes the still image in the chunks from {@code at} to {@code end}: an optional
     * {@code ALPH} chunk then {@code VP8 }, or {@code VP8L}, once. Returns null if there is none.
     */
    private static RgbImage stillImage(Path file, byte[] data, int at, int end, long maxPixels) {
        Chunk alpha = null;
        Chunk image = null;
        while (at < end) {
            Chunk c = chunkAt(file, data, at, end);
            switch (c.id()) {
                case "ALPH", "VP8 ", "VP8L" -> {
                    if (image != null) {
                        throw new ImageFileException(file, "corrupt WebP: a second image in a file not flagged as animated");
                    }
                    if (c.id().equals("ALPH")) {
                        alpha = alpha == null ? c : alpha; // as libwebp, the first one counts
                    } else if (c.id().equals("VP8L") && alpha != null) {
                        throw new ImageFileException(file, "corrupt WebP: an ALPH chunk before a lossless image");
                    } else {
                        image = c;
                    }
                }
                case "ANIM", "ANMF" -> throw new ImageFileException(file,
                        "corrupt WebP: animation chunks in a file not flagged as animated");
                default -> {
                    // ICCP, EXIF, XMP and unknown chunks
                }
            }
            at = next(c);
        }
        if (image == null) {
            return null;
        }
        return image.id().equals("VP8L") ? WebpLossless.decode(file, data, image.start(), image.size(), maxPixels)
                : lossy(file, data, image, alpha, maxPixels);
    }

    /** A lossy image, with the alpha chunk that precedes it if any (decoded to check it, then dropped). */
    static RgbImage lossy(Path file, byte[] data, Chunk vp8, Chunk alpha, long maxPixels) {
        Vp8Decoder.Frame frame = Vp8Decoder.decode(file, data, vp8.start(), vp8.size(), maxPixels);
        if (alpha != null) {
            WebpAlpha.decode(file, data, alpha.start(), alpha.size(), frame.width(), frame.height());
        }
        return new RgbImage(frame.width(), frame.height(), WebpRgbConversion.toRgb(frame));
    }

    /**
     * The EXIF orientation (1–8) of a WebP file, or 0. As libwebp's demultiplexer (and so Pillow)
     * sees it: the first {@code EXIF} chunk of an extended file whose VP8X flags announce EXIF
     * data; the chunk holds a TIFF structure, sometimes after an {@code Exif\0\0} prefix. A file
     * too damaged to find it has no orientation here ({@link #read} says what is wrong with it).
     */
    static int exifOrientation(Path file) {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ImageFileException(file, "cannot read the file: " + e.getMessage(), e);
        }
        try {
            int end = (int) Math.min(data.length, 8 + le32(data, 4));
            Chunk vp8x = chunkAt(file, data, 12, end);
            if (!vp8x.id().equals("VP8X") || vp8x.size() < 1 || (data[vp8x.start()] & 0x08) == 0) {
                return 0;
            }
            for (int at = next(vp8x); at < end; ) {
                Chunk c = chunkAt(file, data, at, end);
                if (c.id().equals("EXIF")) {
                    byte[] exif = java.util.Arrays.copyOfRange(data, c.start(), c.start() + c.size());
                    boolean prefixed = exif.length >= 6 && new String(exif, 0, 6, StandardCharsets.ISO_8859_1)
                            .equals("Exif\0\0");
                    return ExifOrientation.fromTiff(exif, prefixed ? 6 : 0);
                }
                at = next(c);
            }
            return 0;
        } catch (ImageFileException e) {
            return 0;
        }
    }

    static int le24(byte[] d, int at) {
        return (d[at] & 0xFF) | (d[at + 1] & 0xFF) << 8 | (d[at + 2] & 0xFF) << 16;
    }

    private static long le32(byte[] d, int at) {
        return (d[at] & 0xFFL) | (d[at + 1] & 0xFFL) << 8 | (d[at + 2] & 0xFFL) << 16 | (d[at + 3] & 0xFFL) << 24;
    }

    private static String printable(String id) {
        return id.chars().allMatch(c -> c >= 0x20 && c < 0x7F) ? id : "unnamed";
    }
}
