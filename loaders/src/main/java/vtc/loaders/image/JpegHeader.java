package vtc.loaders.image;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a JPEG's markers before the first scan say about how to turn its samples into RGB: the
 * frame type (baseline, progressive, lossless, arithmetic-coded), each component's id and
 * sampling factors, the Adobe APP14 colour transform and the EXIF orientation. Only headers are
 * read; the JDK's decoder does the entropy decoding and the inverse DCT ({@link ArithmeticJpeg}
 * does them for arithmetic-coded files, which the JDK refuses).
 *
 * @param frameMarker     the SOF marker (0xC0–0xCF except 0xC4, 0xC8, 0xCC)
 * @param componentIds    the component identifiers in frame order
 * @param hSampling       horizontal sampling factor of each component
 * @param vSampling       vertical sampling factor of each component
 * @param adobeTransform  the APP14 "Adobe" transform flag (0 none, 1 YCbCr, 2 YCCK), or -1 without that segment
 * @param jfif            whether an APP0 "JFIF" segment is present
 * @param exifOrientation the EXIF orientation tag (1–8), or 0 when absent or unreadable
 */
record JpegHeader(int frameMarker, int[] componentIds, int[] hSampling, int[] vSampling, int adobeTransform,
                  boolean jfif, int exifOrientation) {

    /** Reads the markers up to the first SOS (start of scan). */
    static JpegHeader read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
            return read(in, file);
        }
    }

    private static JpegHeader read(DataInputStream in, Path file) throws IOException {
        if (in.readUnsignedShort() != 0xFFD8) {
            throw new ImageFileException(file, "not a JPEG file (no start-of-image marker)");
        }
        int frame = -1;
        int[] ids = new int[0];
        int[] h = new int[0];
        int[] v = new int[0];
        int adobe = -1;
        boolean jfif = false;
        int orientation = 0;
        try {
            while (true) {
                int b = in.readUnsignedByte();
                if (b != 0xFF) {
                    continue; // garbage between segments; libjpeg skips it too (with a warning)
                }
                int marker = in.readUnsignedByte();
                while (marker == 0xFF) {
                    marker = in.readUnsignedByte(); // fill bytes
                }
                if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                    continue; // markers without a length
                }
                if (marker == 0xD9 || marker == 0xDA) {
                    break; // end of image, start of scan: the header is complete
                }
                int length = in.readUnsignedShort() - 2;
                if (length < 0) {
                    throw new ImageFileException(file, "corrupt JPEG header (segment length below 2)");
                }
                byte[] body = in.readNBytes(length);
                if (body.length < length) {
                    throw new EOFException();
                }
                if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                    frame = marker;
                    int n = body.length > 5 ? body[5] & 0xFF : 0;
                    if (body.length < 6 + 3 * n) {
                        throw new ImageFileException(file, "corrupt JPEG frame header");
                    }
                    ids = new int[n];
                    h = new int[n];
                    v = new int[n];
                    for (int c = 0; c < n; c++) {
                        ids[c] = body[6 + 3 * c] & 0xFF;
                        h[c] = (body[7 + 3 * c] & 0xFF) >> 4;
                        v[c] = body[7 + 3 * c] & 0x0F;
                    }
                } else if (marker == 0xEE && body.length >= 12 && startsWith(body, "Adobe")) {
                    adobe = body[11] & 0xFF;
                } else if (marker == 0xE0 && startsWith(body, "JFIF\0")) {
                    jfif = true;
                } else if (marker == 0xE1 && startsWith(body, "Exif\0\0") && orientation == 0) {
                    orientation = ExifOrientation.fromTiff(body, 6);
                }
            }
        } catch (EOFException e) {
            throw new ImageFileException(file, "truncated JPEG header");
        }
        if (frame < 0) {
            throw new ImageFileException(file, "JPEG without a frame header (SOF marker)");
        }
        return new JpegHeader(frame, ids, h, v, adobe, jfif, orientation);
    }

    private static boolean startsWith(byte[] body, String ascii) {
        if (body.length < ascii.length()) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (body[i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Arithmetic-coded frames (SOF9–SOF11, SOF13–SOF15). */
    boolean arithmetic() {
        return frameMarker >= 0xC9 && frameMarker != 0xCC;
    }

    int components() {
        return componentIds.length;
    }

    /**
     * Whether libjpeg decodes the three components as YCbCr (and so converts them to RGB), by the
     * rule of its {@code default_decompress_parms}: JFIF means YCbCr; otherwise an Adobe transform
     * of 0 means RGB; otherwise component ids 'R','G','B' mean RGB; otherwise YCbCr.
     */
    boolean ycbcr() {
        if (components() != 3) {
            return false;
        }
        if (jfif) {
            return true;
        }
        if (adobeTransform >= 0) {
            return adobeTransform != 0;
        }
        return !(componentIds[0] == 'R' && componentIds[1] == 'G' && componentIds[2] == 'B');
    }

    /**
     * Whether a four-component file holds YCCK, which libjpeg turns into CMYK: an Adobe segment
     * with a transform other than 0 (libjpeg reads 1 as YCCK too); without one, CMYK.
     */
    boolean ycck() {
        return components() == 4 && adobeTransform > 0;
    }

    /** Whether component {@code c} is stored at full width and half height: 4:4:0 chroma. */
    boolean halfHeightOnly(int c) {
        int maxH = 0;
        int maxV = 0;
        for (int i = 0; i < components(); i++) {
            maxH = Math.max(maxH, hSampling[i]);
            maxV = Math.max(maxV, vSampling[i]);
        }
        return hSampling[c] == maxH && vSampling[c] * 2 == maxV;
    }
}
