package vtc.loaders.image;

import java.nio.file.Path;

/**
 * WebP's lossless format (VP8L), decoded to the ARGB pixels libwebp gives, following the WebP
 * specification (RFC 9649, section 3): the pixels are prefix-coded with LZ77 back references and
 * a small cache of recent colours, then up to four reversible transforms (predictor, cross-colour,
 * subtract-green, colour indexing) are undone in the reverse order of their appearance. The
 * transforms' own data are smaller images coded the same way.
 *
 * <p>Every length and index read from the stream is checked, so a damaged file is an
 * {@link ImageFileException}, never an exception from deep inside.
 */
final class WebpLossless {

    /** The 120 short distance codes: (dx, dy) pairs, nearest neighbourhood first (the specification's table). */
    private static final int[] PLANE = {
            0, 1, 1, 0, 1, 1, -1, 1, 0, 2, 2, 0, 1, 2, -1, 2,
            2, 1, -2, 1, 2, 2, -2, 2, 0, 3, 3, 0, 1, 3, -1, 3,
            3, 1, -3, 1, 2, 3, -2, 3, 3, 2, -3, 2, 0, 4, 4, 0,
            1, 4, -1, 4, 4, 1, -4, 1, 3, 3, -3, 3, 2, 4, -2, 4,
            4, 2, -4, 2, 0, 5, 3, 4, -3, 4, 4, 3, -4, 3, 5, 0,
            1, 5, -1, 5, 5, 1, -5, 1, 2, 5, -2, 5, 5, 2, -5, 2,
            4, 4, -4, 4, 3, 5, -3, 5, 5, 3, -5, 3, 0, 6, 6, 0,
            1, 6, -1, 6, 6, 1, -6, 1, 2, 6, -2, 6, 6, 2, -6, 2,
            4, 5, -4, 5, 5, 4, -5, 4, 3, 6, -3, 6, 6, 3, -6, 3,
            0, 7, 7, 0, 1, 7, -1, 7, 5, 5, -5, 5, 7, 1, -7, 1,
            4, 6, -4, 6, 6, 4, -6, 4, 2, 7, -2, 7, 7, 2, -7, 2,
            3, 7, -3, 7, 7, 3, -7, 3, 5, 6, -5, 6, 6, 5, -6, 5,
            8, 0, 4, 7, -4, 7, 7, 4, -7, 4, 8, 1, 8, 2, 6, 6,
            -6, 6, 8, 3, 5, 7, -5, 7, 7, 5, -7, 5, 8, 4, 6, 7,
            -6, 7, 7, 6, -7, 6, 8, 5, 7, 7, -7, 7, 8, 6, 8, 7,    };
    private static final int[] CODE_LENGTH_ORDER = {17, 18, 0, 1, 2, 3, 4, 5, 16, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    private static final int LITERALS = 256;
    private static final int LENGTH_CODES = 24;
    private static final int DISTANCE_CODES = 40;

    private final Path file;
    private final byte[] data;
    private long bitPosition;
    private final long bitEnd;

    private WebpLossless(Path file, byte[] data, int start, int length) {
        this.file = file;
        this.data = data;
        this.bitPosition = 8L * start;
        this.bitEnd = 8L * (start + length);
    }

    /**
     * Decodes the VP8L bitstream at {@code data[start, start + length)}.
     *
     * @return the RGB image (alpha dropped, as Pillow's {@code convert("RGB")} does)
     */
    static RgbImage decode(Path file, byte[] data, int start, int length, long maxPixels) {
        int[] size = size(file, data, start, length);
        int width = size[0];
        int height = size[1];
        WebpLossless in = new WebpLossless(file, data, start, length);
        in.bits(8 + 14 + 14 + 1 + 3); // the header size() read
        ImageFiles.requireDecodableSize(file, width, height, maxPixels);
        int[] argb = in.imageWithTransforms(width, height);
        byte[] rgb = new byte[width * height * 3];
        for (int i = 0; i < argb.length; i++) {
            rgb[3 * i] = (byte) (argb[i] >> 16);
            rgb[3 * i + 1] = (byte) (argb[i] >> 8);
            rgb[3 * i + 2] = (byte) argb[i];
        }
        return new RgbImage(width, height, rgb);
    }

    /**
     * Checks the 5-byte header of the VP8L bitstream at {@code data[start, start + length)}: the
     * signature byte 0x2f, then 14 bits each of width - 1 and height - 1, an alpha hint bit, and a
     * 3-bit version that must be 0.
     *
     * @return {@code {width, height}}
     */
    static int[] size(Path file, byte[] data, int start, int length) {
        WebpLossless in = new WebpLossless(file, data, start, length);
        if (in.bits(8) != 0x2f) {
            throw new ImageFileException(file, "corrupt WebP: the lossless bitstream lacks its signature");
        }
        int width = in.bits(14) + 1;
        int height = in.bits(14) + 1;
        in.bits(1); // alpha is used: informative only
        if (in.bits(3) != 0) {
            throw new ImageFileException(file, "unsupported WebP lossless version");
        }
        return new int[] {width, height};
    }

    /**
     * Decodes a headerless VP8L image stream of known size, as a WebP alpha chunk stores its
     * compressed alpha plane (the values are in the green channel).
     *
     * @return the ARGB pixels, row-major
     */
    static int[] decodeImageStream(Path file, byte[] data, int start, int length, int width, int height) {
        return new WebpLossless(file, data, start, length).imageWithTransforms(width, height);
    }

    private ImageFileException corrupt(String what) {
        return new ImageFileException(file, "corrupt WebP lossless data: " + what);
    }

    /** The next n bits, least significant first. */
    private int bits(int n) {
        if (bitPosition + n > bitEnd) {
            throw corrupt("the bitstream ends early");
        }
        int v = 0;
        for (int i = 0; i < n; i++) {
            long p = bitPosition++;
            v |= ((data[(int) (p >>> 3)] >> (int) (p & 7)) & 1) << i;
        }
        return v;
    }

    // ---- transforms -------------------------------------------------------------------------

    private record Transform(int type, int bits, int[] data, int width) {
    }

    /** The main image: transforms, then the entropy-coded pixels, then the transforms undone. */
    private int[] imageWithTransforms(int width, int height) {
        java.util.List<Transform> transforms = new java.util.ArrayList<>();
        boolean[] seen = new boolean[4];
        int codedWidth = width;
        while (bits(1) == 1) {
            int type = bits(2);
            if (seen[type]) {
                throw corrupt("transform " + type + " appears twice");
            }
            seen[type] = true;
            switch (type) {
                case 0, 1 -> {
                    int b = bits(3) + 2;
                    int[] sub = entropyCoded(divRoundUp(codedWidth, 1 << b), divRoundUp(height, 1 << b), false);
                    transforms.add(new Transform(type, b, sub, codedWidth));
                }
                case 2 -> transforms.add(new Transform(type, 0, null, codedWidth));
                default -> {
                    int size = bits(8) + 1;
                    int[] table = entropyCoded(size, 1, false);
                    for (int i = 1; i < size; i++) {
                        table[i] = addPixels(table[i], table[i - 1]);
                    }
                    int b = size <= 2 ? 3 : size <= 4 ? 2 : size <= 16 ? 1 : 0;
                    transforms.add(new Transform(type, b, table, codedWidth));
                    codedWidth = divRoundUp(codedWidth, 1 << b);
                }
            }
        }
        int[] pixels = entropyCoded(codedWidth, height, true);
        for (int t = transforms.size() - 1; t >= 0; t--) {
            Transform tr = transforms.get(t);
            pixels = switch (tr.type()) {
                case 0 -> predict(pixels, tr.width(), height, tr.bits(), tr.data());
                case 1 -> crossColour(pixels, tr.width(), height, tr.bits(), tr.data());
                case 2 -> addGreen(pixels);
                default -> unindex(pixels, tr.width(), height, tr.bits(), tr.data());
            };
        }
        return pixels;
    }

    private static int divRoundUp(int n, int d) {
        return (n + d - 1) / d;
    }

    /** Channel-wise sum modulo 256. */
    private static int addPixels(int a, int b) {
        int ag = (a & 0xFF00FF00) + (b & 0xFF00FF00);
        int rb = (a & 0x00FF00FF) + (b & 0x00FF00FF);
        return (ag & 0xFF00FF00) | (rb & 0x00FF00FF);
    }

    private static int[] predict(int[] residual, int w, int h, int b, int[] modes) {
        int[] out = new int[w * h];
        int blocksPerRow = divRoundUp(w, 1 << b);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int prediction;
                if (y == 0) {
                    prediction = x == 0 ? 0xFF000000 : out[i - 1];
                } else if (x == 0) {
                    prediction = out[i - w];
                } else {
                    int mode = (modes[(y >> b) * blocksPerRow + (x >> b)] >> 8) & 0xF;
                    prediction = predictor(mode, out[i - 1], out[i - w], out[i - w - 1], out[i - w + 1]);
                }
                out[i] = addPixels(residual[i], prediction);
            }
        }
        return out;
    }

    /** The 14 predictors of the specification; L left, T top, TL top-left, TR top-right. */
    private static int predictor(int mode, int l, int t, int tl, int tr) {
        return switch (mode) {
            case 0 -> 0xFF000000;
            case 1 -> l;
            case 2 -> t;
            case 3 -> tr;
            case 4 -> tl;
            case 5 -> average(average(l, tr), t);
            case 6 -> average(l, tl);
            case 7 -> average(l, t);
            case 8 -> average(tl, t);
            case 9 -> average(t, tr);
            case 10 -> average(average(l, tl), average(t, tr));
            case 11 -> select(l, t, tl);
            case 12 -> perChannel(l, t, tl, true);
            case 13 -> perChannel(average(l, t), tl, 0, false);
            default -> 0xFF000000; // 14 and 15 are not used by encoders; libwebp predicts black
        };
    }

    private static int average(int a, int b) {
        return (((a ^ b) & 0xFEFEFEFE) >>> 1) + (a & b);
    }

    /** Whichever of L and T is closer, in summed channel distance, to the gradient estimate L + T − TL. */
    private static int select(int l, int t, int tl) {
        int distanceToL = 0;
        int distanceToT = 0;
        for (int s = 0; s < 32; s += 8) {
            int cl = (l >>> s) & 0xFF;
            int ct = (t >>> s) & 0xFF;
            int ctl = (tl >>> s) & 0xFF;
            int estimate = cl + ct - ctl;
            distanceToL += Math.abs(estimate - cl);
            distanceToT += Math.abs(estimate - ct);
        }
        return distanceToL < distanceToT ? l : t;
    }

    /** full: clamp(a + b − c); half: clamp(a + (a − b) / 2), per channel. */
    private static int perChannel(int a, int b, int c, boolean full) {
        int out = 0;
        for (int s = 0; s < 32; s += 8) {
            int ca = (a >>> s) & 0xFF;
            int cb = (b >>> s) & 0xFF;
            int cc = (c >>> s) & 0xFF;
            int v = full ? ca + cb - cc : ca + (ca - cb) / 2;
            out |= Math.max(0, Math.min(255, v)) << s;
        }
        return out;
    }

    private static int[] crossColour(int[] pixels, int w, int h, int b, int[] elements) {
        int blocksPerRow = divRoundUp(w, 1 << b);
        int[] out = pixels.clone();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int e = elements[(y >> b) * blocksPerRow + (x >> b)];
                byte greenToRed = (byte) e;
                byte greenToBlue = (byte) (e >> 8);
                byte redToBlue = (byte) (e >> 16);
                int p = out[y * w + x];
                byte green = (byte) (p >> 8);
                int red = (p >> 16) + ((greenToRed * green) >> 5);
                int blue = p + ((greenToBlue * green) >> 5) + ((redToBlue * (byte) red) >> 5);
                out[y * w + x] = (p & 0xFF00FF00) | (red & 0xFF) << 16 | (blue & 0xFF);
            }
        }
        return out;
    }

    private static int[] addGreen(int[] pixels) {
        int[] out = new int[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            int p = pixels[i];
            int green = (p >> 8) & 0xFF;
            int rb = (p & 0x00FF00FF) + (green << 16 | green);
            out[i] = (p & 0xFF00FF00) | (rb & 0x00FF00FF);
        }
        return out;
    }

    /** Palette indices (several per coded pixel when the palette is small) to colours; past the table, transparent black. */
    private static int[] unindex(int[] packed, int w, int h, int b, int[] table) {
        int[] out = new int[w * h];
        int packedWidth = divRoundUp(w, 1 << b);
        int bitsPerIndex = 8 >> b;
        int mask = (1 << bitsPerIndex) - 1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int green = (packed[y * packedWidth + (x >> b)] >> 8) & 0xFF;
                int index = (green >> ((x & ((1 << b) - 1)) * bitsPerIndex)) & mask;
                out[y * w + x] = index < table.length ? table[index] : 0;
            }
        }
        return out;
    }

    // ---- entropy-coded image ----------------------------------------------------------------

    /** A canonical prefix code; a code with one used symbol takes no bits. */
    private final class PrefixCode {
        private final int[] firstCode = new int[16];
        private final int[] firstIndex = new int[16];
        private final int[] count = new int[16];
        private final int[] symbols;
        private final int single;

        PrefixCode(int[] lengths) {
            int used = 0;
            int last = -1;
            for (int s = 0; s < lengths.length; s++) {
                if (lengths[s] > 0) {
                    count[lengths[s]]++;
                    used++;
                    last = s;
                }
            }
            if (used == 0) {
                throw corrupt("a prefix code without symbols");
            }
            single = used == 1 ? last : -1;
            symbols = new int[used];
            int code = 0;
            int index = 0;
            for (int len = 1; len < 16; len++) {
                firstCode[len] = code;
                firstIndex[len] = index;
                index += count[len];
                code = (code + count[len]) << 1;
            }
            if (used > 1 && code != 1 << 16) {
                throw corrupt("a prefix code whose lengths do not form a complete code");
            }
            int[] next = firstIndex.clone();
            for (int s = 0; s < lengths.length; s++) {
                if (lengths[s] > 0) {
                    symbols[next[lengths[s]]++] = s;
                }
            }
        }

        int read() {
            if (single >= 0) {
                return single;
            }
            int code = 0;
            for (int len = 1; len < 16; len++) {
                code = (code << 1) | bits(1);
                int offset = code - firstCode[len];
                if (offset < count[len]) {
                    return symbols[firstIndex[len] + offset];
                }
            }
            throw corrupt("an invalid prefix code");
        }
    }

    private PrefixCode readCode(int alphabet) {
        int[] lengths = new int[alphabet];
        if (bits(1) == 1) { // simple code: one or two symbols
            int symbols = bits(1) + 1;
            int first = bits(bits(1) == 0 ? 1 : 8);
            if (first >= alphabet) {
                throw corrupt("symbol " + first + " outside an alphabet of " + alphabet);
            }
            lengths[first] = 1;
            if (symbols == 2) {
                int second = bits(8);
                if (second >= alphabet) {
                    throw corrupt("symbol " + second + " outside an alphabet of " + alphabet);
                }
                lengths[second] = 1;
            }
            return new PrefixCode(lengths);
        }
        int[] lengthCodeLengths = new int[19];
        int n = bits(4) + 4;
        for (int i = 0; i < n; i++) {
            lengthCodeLengths[CODE_LENGTH_ORDER[i]] = bits(3);
        }
        PrefixCode lengthCode = new PrefixCode(lengthCodeLengths);
        int maxSymbol = alphabet;
        if (bits(1) == 1) {
            int lengthBits = 2 + 2 * bits(3);
            maxSymbol = 2 + bits(lengthBits);
            if (maxSymbol > alphabet) {
                throw corrupt("more code lengths than symbols");
            }
        }
        int previous = 8;
        int symbol = 0;
        while (symbol < alphabet && maxSymbol-- > 0) {
            int code = lengthCode.read();
            if (code < 16) {
                lengths[symbol++] = code;
                if (code != 0) {
                    previous = code;
                }
            } else {
                int repeat = code == 16 ? 3 + bits(2) : code == 17 ? 3 + bits(3) : 11 + bits(7);
                if (symbol + repeat > alphabet) {
                    throw corrupt("code lengths repeated past the alphabet");
                }
                int value = code == 16 ? previous : 0;
                for (int r = 0; r < repeat; r++) {
                    lengths[symbol++] = value;
                }
            }
        }
        return new PrefixCode(lengths);
    }

    /** An entropy-coded image of w × h ARGB pixels; only the main image may use several code groups. */
    private int[] entropyCoded(int w, int h, boolean main) {
        int cacheBits = 0;
        if (bits(1) == 1) {
            cacheBits = bits(4);
            if (cacheBits < 1 || cacheBits > 11) {
                throw corrupt("colour cache of " + cacheBits + " bits");
            }
        }
        int groupBits = 0;
        int[] groupOf = null;
        int groups = 1;
        if (main && bits(1) == 1) {
            groupBits = bits(3) + 2;
            int[] meta = entropyCoded(divRoundUp(w, 1 << groupBits), divRoundUp(h, 1 << groupBits), false);
            groupOf = new int[meta.length];
            for (int i = 0; i < meta.length; i++) {
                groupOf[i] = (meta[i] >> 8) & 0xFFFF;
                groups = Math.max(groups, groupOf[i] + 1);
            }
        }
        int cacheSize = cacheBits == 0 ? 0 : 1 << cacheBits;
        PrefixCode[][] codes = new PrefixCode[groups][5];
        for (int g = 0; g < groups; g++) {
            codes[g][0] = readCode(LITERALS + LENGTH_CODES + cacheSize);
            codes[g][1] = readCode(LITERALS);
            codes[g][2] = readCode(LITERALS);
            codes[g][3] = readCode(LITERALS);
            codes[g][4] = readCode(DISTANCE_CODES);
        }
        int[] cache = new int[Math.max(cacheSize, 1)];
        int[] out = new int[Math.multiplyExact(w, h)];
        int metaWidth = groupOf == null ? 0 : divRoundUp(w, 1 << groupBits);
        int cached = 0; // pixels before this one are in the colour cache
        int pos = 0;
        while (pos < out.length) {
            int x = pos % w;
            int y = pos / w;
            PrefixCode[] c = codes[groupOf == null ? 0 : groupOf[(y >> groupBits) * metaWidth + (x >> groupBits)]];
            int green = c[0].read();
            if (green < LITERALS) {
                int red = c[1].read();
                int blue = c[2].read();
                int alpha = c[3].read();
                out[pos++] = alpha << 24 | red << 16 | green << 8 | blue;
            } else if (green < LITERALS + LENGTH_CODES) {
                int length = prefixValue(green - LITERALS);
                int distance = planeDistance(prefixValue(c[4].read()), w);
                if (distance > pos || length > out.length - pos) {
                    throw corrupt("a back reference outside the image");
                }
                for (int k = 0; k < length; k++, pos++) {
                    out[pos] = out[pos - distance];
                }
            } else {
                int index = green - LITERALS - LENGTH_CODES;
                if (index >= cacheSize) {
                    throw corrupt("a colour cache index past the cache");
                }
                while (cached < pos) {
                    insert(cache, cacheBits, out[cached++]);
                }
                out[pos++] = cache[index];
            }
            if (cacheSize > 0) {
                while (cached < pos) {
                    insert(cache, cacheBits, out[cached++]);
                }
            }
        }
        return out;
    }

    private static void insert(int[] cache, int bits, int argb) {
        if (bits > 0) {
            cache[(0x1e35a7bd * argb) >>> (32 - bits)] = argb;
        }
    }

    /** A length or distance from its prefix symbol and extra bits. */
    private int prefixValue(int symbol) {
        if (symbol < 4) {
            return symbol + 1;
        }
        int extra = (symbol - 2) >> 1;
        int offset = (2 + (symbol & 1)) << extra;
        return offset + bits(extra) + 1;
    }

    /** Distance codes 1–120 name a nearby (dx, dy); larger ones are plain distances plus 120. */
    private static int planeDistance(int code, int width) {
        if (code > 120) {
            return code - 120;
        }
        int dx = PLANE[2 * (code - 1)];
        int dy = PLANE[2 * (code - 1) + 1];
        return Math.max(1, dy * width + dx);
    }
}
