package vtc.loaders.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decodes an arithmetic-coded JPEG (ITU T.81 frames SOF9, sequential, and SOF10, progressive),
 * which the JDK's decoder refuses, to the RGB Pillow gets from libjpeg-turbo:
 *
 * <ol>
 *   <li>the marker segments: quantization tables (DQT), arithmetic conditioning (DAC), the
 *       restart interval (DRI), the frame (SOF) and each scan (SOS);</li>
 *   <li>each scan's coefficients ({@link ArithmeticScan}, on the {@link QmDecoder}), into one
 *       array of blocks per component that progressive scans refine in place;</li>
 *   <li>dequantization and the integer inverse DCT ({@link InverseDct}) into sample planes at
 *       each component's stored size;</li>
 *   <li>upsampling ({@link JpegUpsampling}) and colour conversion ({@link JpegSampleConversion}),
 *       the same steps the Huffman-coded files go through.</li>
 * </ol>
 * Only what libjpeg-turbo 2.1.5 (Pillow 9.4's) decodes is read: 8-bit samples, 1, 3 or 4
 * components. Its warnings — a bad code, a missing restart marker, an odd progression, data
 * running out — are errors here, like the JDK decoder's warnings on the Huffman path.
 */
final class ArithmeticJpeg {

    /** Zigzag position k → index in the row-major 8×8 block (T.81 Figure A.6). */
    static final int[] NATURAL_ORDER = {
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
        12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
        58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    };

    /**
     * How many bytes the reference hands its JPEG decoder at a time. Pillow 9.4 reads a JPEG in
     * chunks of this size (its {@code decodermaxblock}), giving libjpeg-turbo the next chunk
     * whenever the decoder suspends for want of data. libjpeg-turbo can suspend while it reads
     * markers, but not inside arithmetic-coded data: there, running out of bytes is an error
     * ("broken data stream when reading image file"). So the reference decodes an arithmetic
     * JPEG only if each scan's data, restart markers included, lies within the chunks read by
     * the time the scan starts — in practice, files up to 64 KiB, and progressive ones whose scan
     * boundaries happen to fall right. Measured: a 45×37 and a 400×267 file padded with a comment
     * segment decode at 65,536 bytes and fail at 65,537, sequential and progressive. This decoder
     * refuses exactly those files too, with a message that says why.
     */
    static final int PILLOW_READ = 65536;

    /** One frame component: its sampling factors and its coefficient blocks. */
    static final class Component {
        final int id;
        final int h;
        final int v;
        final int quantTable;
        /** The component's own size in samples: the image size scaled by its sampling factors, rounded up. */
        final int width;
        final int height;
        /** Blocks allocated: whole MCUs, so an interleaved scan's padding blocks have room. */
        final int blocksWide;
        final int blocksHigh;
        final short[] coefficients;
        /** The quantization table latched when the component's first scan starts (as libjpeg does). */
        int[] quant;

        Component(int id, int h, int v, int quantTable, int width, int height, int blocksWide, int blocksHigh) {
            this.id = id;
            this.h = h;
            this.v = v;
            this.quantTable = quantTable;
            this.width = width;
            this.height = height;
            this.blocksWide = blocksWide;
            this.blocksHigh = blocksHigh;
            this.coefficients = new short[Math.multiplyExact(Math.multiplyExact(blocksWide, blocksHigh), 64)];
        }

        /** Blocks that hold samples (a scan of this component alone covers just these). */
        int blocksWithData(boolean across) {
            return ((across ? width : height) + 7) / 8;
        }

        int blockOffset(int bx, int by) {
            return (by * blocksWide + bx) * 64;
        }
    }

    private final byte[] data;
    private final Path file;
    private final long maxPixels;
    /** The end of the chunks the reference has read so far (a multiple of {@link #PILLOW_READ}). */
    private long readable = PILLOW_READ;
    private final int[][] quantTables = new int[4][];
    private final ArithmeticScan.Conditioning conditioning = new ArithmeticScan.Conditioning();
    private int restartInterval;
    private boolean progressive;
    private int width;
    private int height;
    private Component[] components;
    private int maxH;
    private int maxV;
    /** How far the scans have refined each component's coefficients. */
    private JpegProgression progression;
    private int scans;

    private ArithmeticJpeg(byte[] data, Path file, long maxPixels) {
        this.data = data;
        this.file = file;
        this.maxPixels = maxPixels;
    }

    /**
     * Reads an arithmetic-coded JPEG of at most {@code maxPixels} pixels.
     *
     * @param header the markers up to the first scan, already read (for the colour rules)
     */
    static RgbImage read(Path file, JpegHeader header, long maxPixels) throws IOException {
        Samples samples = samples(file, header, maxPixels);
        return JpegSampleConversion.toRgb(samples.planes(), samples.width(), samples.height(), header);
    }

    /**
     * The decoded component samples, each brought up to the image's size, before colour conversion.
     *
     * @param planes per component, {@code width × height} samples (bytes read unsigned), row-major
     */
    record Samples(int width, int height, byte[][] planes) {
    }

    /** Decodes an arithmetic-coded JPEG's samples (see {@link #read}). */
    static Samples samples(Path file, JpegHeader header, long maxPixels) throws IOException {
        int frame = header.frameMarker();
        if (frame != 0xC9 && frame != 0xCA) {
            throw new ImageFileException(file, "arithmetic-coded JPEG of a kind libjpeg-turbo 2.1.5 (the reference's"
                    + " decoder) does not read either: SOF" + (frame - 0xC0) + (frame == 0xCB ? " (lossless)"
                    : " (hierarchical)") + "; only sequential (SOF9) and progressive (SOF10) are supported");
        }
        if (Files.size(file) > Integer.MAX_VALUE - 8) {
            throw new ImageFileException(file, "JPEG file too large (over 2 GB)");
        }
        ArithmeticJpeg jpeg = new ArithmeticJpeg(Files.readAllBytes(file), file, maxPixels);
        jpeg.readSegments();
        return jpeg.samples();
    }

    /** Reads the marker segments from SOI to EOI, decoding each scan as it comes. */
    private void readSegments() {
        int p = 2; // after SOI
        while (true) {
            if (p + 1 >= data.length) {
                throw truncated();
            }
            readMarkerBytesBefore(p + 2);
            if ((data[p] & 0xFF) != 0xFF) {
                throw corrupt("expected a marker at byte " + p);
            }
            int marker = data[p + 1] & 0xFF;
            if (marker == 0xFF) {
                p++; // fill byte
                continue;
            }
            p += 2;
            if (marker == 0xD9) {
                break; // EOI
            }
            if (marker == 0x01 || marker >= 0xD0 && marker <= 0xD7) {
                continue; // TEM and stray restart markers have no length; libjpeg passes over them too
            }
            if (marker == 0xD8) {
                throw corrupt("a second start-of-image marker");
            }
            if (p + 2 > data.length) {
                throw truncated();
            }
            int length = ((data[p] & 0xFF) << 8) | (data[p + 1] & 0xFF);
            if (length < 2 || p + length > data.length) {
                throw length < 2 ? corrupt("a segment length below 2") : truncated();
            }
            int body = p + 2;
            int end = p + length;
            readMarkerBytesBefore(end);
            switch (marker) {
                case 0xDB -> readQuantTables(body, end);
                case 0xCC -> readConditioning(body, end);
                case 0xDD -> restartInterval = end - body == 2 ? u16(body) : failLength("DRI");
                case 0xC9, 0xCA -> readFrame(marker, body, end);
                case 0xDA -> {
                    end = readScan(body, end);
                }
                case 0xC4, 0xDC, 0xFE -> {
                    // DHT, DNL (the height is in the frame header already) and COM: nothing to use here.
                }
                default -> {
                    if (marker >= 0xC0 && marker <= 0xCF) {
                        throw corrupt("a second frame header (SOF" + (marker - 0xC0) + ")");
                    }
                    if (marker < 0xE0 || marker > 0xEF) {
                        throw corrupt("unknown marker 0x" + Integer.toHexString(marker)); // as libjpeg refuses it
                    }
                    // APPn: EXIF, JFIF, Adobe, ICC … read (where needed) by JpegHeader.
                }
            }
            p = end;
        }
        if (components == null || scans == 0) {
            throw corrupt("no image data (no frame or no scan before the end of image)");
        }
        if (!progressive) {
            for (int c = 0; c < components.length; c++) {
                if (components[c].quant == null) {
                    throw truncated();
                }
            }
            return;
        }
    }

    /**
     * The reference reading marker bytes up to {@code end}: where they run past the chunks it has,
     * its decoder suspends and it reads more (see {@link #PILLOW_READ}).
     */
    private void readMarkerBytesBefore(int end) {
        while (readable < end) {
            readable += PILLOW_READ;
        }
    }

    private int failLength(String segment) {
        throw corrupt("a " + segment + " segment that is too short");
    }

    private void readQuantTables(int p, int end) {
        if (!readQuantTables(data, p, end, quantTables)) {
            throw corrupt("a malformed quantization table (DQT)");
        }
    }

    /**
     * The tables of a DQT segment's body {@code data[p…end)} into {@code tables} (by their
     * number, in natural order, each value cast to 16 bits as libjpeg keeps its multipliers);
     * false when the segment is malformed.
     */
    static boolean readQuantTables(byte[] data, int p, int end, int[][] tables) {
        while (p < end) {
            int precision = (data[p] & 0xFF) >> 4;
            int index = data[p] & 0x0F;
            p++;
            int size = precision == 0 ? 1 : 2;
            if (index > 3 || precision > 1 || p + 64 * size > end) {
                return false;
            }
            int[] table = new int[64];
            for (int k = 0; k < 64; k++) {
                int value = size == 1 ? data[p] & 0xFF : ((data[p] & 0xFF) << 8) | (data[p + 1] & 0xFF);
                table[NATURAL_ORDER[k]] = (short) value;
                p += size;
            }
            tables[index] = table;
        }
        return true;
    }

    /** DAC: per table, the DC conditioning bounds L (low nibble) and U, or the AC bound Kx. */
    private void readConditioning(int p, int end) {
        if ((end - p) % 2 != 0) {
            throw corrupt("a malformed arithmetic conditioning segment (DAC)");
        }
        for (; p < end; p += 2) {
            int index = data[p] & 0xFF;
            int value = data[p + 1] & 0xFF;
            if (index >= 32) {
                throw corrupt("an arithmetic conditioning table index " + index + " (DAC)");
            }
            if (index >= 16) {
                conditioning.acKx[index - 16] = value;
            } else {
                int lower = value & 0x0F;
                int upper = value >> 4;
                if (lower > upper) {
                    throw corrupt("DC conditioning bounds L > U (DAC)");
                }
                conditioning.dcLower[index] = lower;
                conditioning.dcUpper[index] = upper;
            }
        }
    }

    private void readFrame(int marker, int p, int end) {
        if (components != null) {
            throw corrupt("a second frame header");
        }
        if (end - p < 6) {
            throw corrupt("a frame header that is too short");
        }
        int precision = data[p] & 0xFF;
        height = u16(p + 1);
        width = u16(p + 3);
        int n = data[p + 5] & 0xFF;
        if (precision != 8) {
            throw new ImageFileException(file, precision + "-bit JPEG samples, which the reference's libjpeg-turbo"
                    + " build does not read either; only 8-bit samples are supported");
        }
        if (height == 0) {
            throw new ImageFileException(file, "JPEG with a DNL marker (height given after the first scan), which"
                    + " is not supported");
        }
        if (width == 0) {
            throw corrupt("an image width of 0");
        }
        if (n != 1 && n != 3 && n != 4) {
            throw new ImageFileException(file, "JPEG with " + n + " components; 1 (grey), 3 (YCbCr or RGB) and 4"
                    + " (CMYK or YCCK) are supported");
        }
        if (end - p < 6 + 3 * n) {
            throw corrupt("a frame header that is too short");
        }
        long pixels = (long) width * height;
        if (pixels > maxPixels) {
            throw new ImageFileException(file, "image of " + width + "x" + height + " = " + pixels
                    + " pixels exceeds the limit of " + maxPixels + " pixels");
        }
        progressive = marker == 0xCA;
        int[][] factors = new int[n][];
        for (int c = 0; c < n; c++) {
            int q = p + 6 + 3 * c;
            int h = (data[q + 1] & 0xFF) >> 4;
            int v = data[q + 1] & 0x0F;
            int table = data[q + 2] & 0xFF;
            if (h < 1 || h > 4 || v < 1 || v > 4 || table > 3) {
                throw corrupt("component " + c + " has sampling factors " + h + "x" + v + " or quantization table "
                        + table);
            }
            maxH = Math.max(maxH, h);
            maxV = Math.max(maxV, v);
            factors[c] = new int[] {data[q] & 0xFF, h, v, table};
        }
        int mcusWide = ceilDiv(width, 8 * maxH);
        int mcusHigh = ceilDiv(height, 8 * maxV);
        components = new Component[n];
        for (int c = 0; c < n; c++) {
            int[] f = factors[c];
            if (maxH % f[1] != 0 || maxV % f[2] != 0) {
                throw new ImageFileException(file, "JPEG with fractional chroma sampling (" + f[1] + "x" + f[2]
                        + " against " + maxH + "x" + maxV + "), which libjpeg-turbo does not read either");
            }
            components[c] = new Component(f[0], f[1], f[2], f[3], ceilDiv(width * f[1], maxH),
                    ceilDiv(height * f[2], maxV), mcusWide * f[1], mcusHigh * f[2]);
        }
        progression = new JpegProgression(n);
    }

    /** Reads a scan header and decodes the scan; returns where the next marker starts. */
    private int readScan(int p, int end) {
        if (components == null) {
            throw corrupt("a scan before the frame header");
        }
        int n = data[p] & 0xFF;
        if (n < 1 || n > 4 || end - p != 4 + 2 * n) {
            throw corrupt("a malformed scan header (SOS)");
        }
        Component[] inScan = new Component[n];
        int[] indices = new int[n];
        int[] dcTable = new int[n];
        int[] acTable = new int[n];
        int blocksInMcu = 0;
        for (int i = 0; i < n; i++) {
            int id = data[p + 1 + 2 * i] & 0xFF;
            int c = 0;
            while (c < components.length && components[c].id != id) {
                c++;
            }
            for (int j = 0; j < i && c < components.length; j++) {
                if (indices[j] == c) {
                    c = components.length; // named twice
                }
            }
            if (c == components.length) {
                throw corrupt("a scan naming component id " + id + ", not in the frame or named twice");
            }
            inScan[i] = components[c];
            indices[i] = c;
            dcTable[i] = (data[p + 2 + 2 * i] & 0xFF) >> 4;
            acTable[i] = data[p + 2 + 2 * i] & 0x0F;
            blocksInMcu += inScan[i].h * inScan[i].v;
        }
        if (n > 1 && blocksInMcu > 10) {
            throw corrupt("an MCU of more than 10 blocks");
        }
        int q = p + 1 + 2 * n;
        int ss = data[q] & 0xFF;
        int se = data[q + 1] & 0xFF;
        int ah = (data[q + 2] & 0xFF) >> 4;
        int al = data[q + 2] & 0x0F;
        checkProgression(indices, ss, se, ah, al);
        for (Component c : inScan) {
            if (c.quant == null) {
                if (quantTables[c.quantTable] == null) {
                    throw corrupt("component " + c.id + " uses quantization table " + c.quantTable
                            + ", which is not defined");
                }
                c.quant = quantTables[c.quantTable];
            }
        }
        scans++;
        ArithmeticScan.Header header = new ArithmeticScan.Header(inScan, dcTable, acTable, ss, se, ah, al);
        int scanReadable = (int) Math.min(readable, Integer.MAX_VALUE);
        ArithmeticScan scan = new ArithmeticScan(data, end, scanReadable, file, header, progressive, conditioning);
        return scan.decode(ceilDiv(width, 8 * maxH), ceilDiv(height, 8 * maxV), restartInterval);
    }

    /**
     * The checks libjpeg makes of a scan's spectral band and successive approximation: outright
     * errors for impossible parameters, warnings (errors here) for a progression out of order.
     */
    private void checkProgression(int[] indices, int ss, int se, int ah, int al) {
        if (!progressive) {
            if (ss != 0 || se != 63 || ah != 0 || al != 0) {
                throw corrupt("a sequential scan with spectral selection or successive approximation");
            }
            return;
        }
        boolean bad = ss == 0 ? se != 0 : se < ss || se > 63 || indices.length != 1;
        if (bad || (ah != 0 && al != ah - 1) || al > 13) {
            throw corrupt("an invalid progressive scan (Ss=" + ss + ", Se=" + se + ", Ah=" + ah + ", Al=" + al + ")");
        }
        int[][] tables = new int[components.length][];
        for (int c = 0; c < components.length; c++) {
            tables[c] = quantTables[components[c].quantTable];
        }
        String outOfOrder = progression.scan(indices, ss, se, ah, al, tables);
        if (outOfOrder != null) {
            throw corrupt(outOfOrder);
        }
    }

    /** Inverse DCT and upsampling of the decoded coefficients. */
    private Samples samples() {
        byte[][] planes = new byte[components.length][];
        InverseDct idct = new InverseDct();
        byte[] block = new byte[64];
        boolean smooth = progressive && progression.smoothedByTheReference();
        for (int c = 0; c < components.length; c++) {
            Component comp = components[c];
            // A component in no scan has only zero coefficients; libjpeg gives it a zero table (mid-grey).
            int[] quant = comp.quant != null ? comp.quant : new int[64];
            byte[] plane = new byte[Math.multiplyExact(comp.width, comp.height)];
            JpegBlockSmoothing smoothing = smooth ? new JpegBlockSmoothing(comp, progression.bits(c), height, maxV)
                    : null;
            short[][] smoothed = smooth ? new short[comp.blocksWithData(true)][64] : null;
            for (int by = 0; by < comp.blocksWithData(false); by++) {
                if (smoothing != null) {
                    smoothing.row(by, smoothed);
                }
                for (int bx = 0; bx < comp.blocksWithData(true); bx++) {
                    if (smoothing != null) {
                        idct.transform(smoothed[bx], 0, quant, block);
                    } else {
                        idct.transform(comp.coefficients, comp.blockOffset(bx, by), quant, block);
                    }
                    int rows = Math.min(8, comp.height - 8 * by);
                    int cols = Math.min(8, comp.width - 8 * bx);
                    for (int y = 0; y < rows; y++) {
                        System.arraycopy(block, 8 * y, plane, (8 * by + y) * comp.width + 8 * bx, cols);
                    }
                }
            }
            components[c] = null; // its coefficients are no longer needed
            planes[c] = JpegUpsampling.upsample(plane, comp.width, comp.height, maxH / comp.h, maxV / comp.v,
                    width, height);
        }
        return new Samples(width, height, planes);
    }

    private int u16(int p) {
        return ((data[p] & 0xFF) << 8) | (data[p + 1] & 0xFF);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private ImageFileException truncated() {
        return truncated(file);
    }

    /** The error for data that ends too soon (libjpeg's "premature end of data" warning, which Pillow raises for). */
    static ImageFileException truncated(Path file) {
        return new ImageFileException(file, "truncated or corrupt image data: the arithmetic-coded JPEG data ends"
                + " before the image is complete (premature end of data)");
    }

    /** The refusal of an arithmetic JPEG that the reference cannot decode for want of data (see {@link #PILLOW_READ}). */
    static ImageFileException pastPillowsRead(Path file, int readable) {
        return new ImageFileException(file, "arithmetic-coded JPEG whose coded data runs past byte " + readable
                + ", which the reference (Pillow 9.4, reading JPEGs " + PILLOW_READ / 1024 + " KiB at a time on"
                + " libjpeg-turbo, which cannot wait for more data inside arithmetic-coded data) refuses as a"
                + " \"broken data stream\"; re-encode it with Huffman coding, e.g. jpegtran -copy all in.jpg > out.jpg");
    }

    private ImageFileException corrupt(String what) {
        return new ImageFileException(file, "corrupt arithmetic-coded JPEG: " + what);
    }
}
