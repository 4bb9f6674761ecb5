package vtc.loaders.image;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * The chunks of a PNG before its image data, checked as Pillow checks them: every chunk up to the
 * first {@code IDAT} must carry a correct CRC-32, or the file is refused (Pillow: "broken PNG
 * file"); the JDK's reader never looks at CRCs. Also reports what the pixel conversion needs from
 * the header: the colour type, the number of palette entries and the EXIF orientation.
 *
 * @param colourType      IHDR colour type (0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA)
 * @param bitDepth        IHDR bit depth
 * @param paletteEntries  entries in PLTE (0 without one)
 * @param exifOrientation orientation from an {@code eXIf} chunk before IDAT, or 0
 */
record PngChunks(int colourType, int bitDepth, int paletteEntries, int exifOrientation) {

    private static final long SIGNATURE = 0x89504E470D0A1A0AL;

    static PngChunks read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readLong() != SIGNATURE) {
                throw new ImageFileException(file, "not a PNG file (bad signature)");
            }
            int colourType = -1;
            int bitDepth = 0;
            int palette = 0;
            int orientation = 0;
            byte[] buffer = new byte[1 << 16];
            while (true) {
                long length = in.readInt() & 0xFFFFFFFFL;
                byte[] type = in.readNBytes(4);
                String name = new String(type, java.nio.charset.StandardCharsets.ISO_8859_1);
                if (name.equals("IDAT") || name.equals("IEND")) {
                    break;
                }
                if (length > Integer.MAX_VALUE) {
                    throw new ImageFileException(file, "corrupt PNG: chunk " + printable(name) + " claims " + length
                            + " bytes");
                }
                CRC32 crc = new CRC32();
                crc.update(type);
                // Small chunks are kept for their content; large ones (text, profiles) only summed.
                boolean keep = name.equals("IHDR") || name.equals("PLTE") || name.equals("eXIf");
                byte[] body = keep ? in.readNBytes((int) length) : null;
                if (keep) {
                    if (body.length < length) {
                        throw new EOFException();
                    }
                    crc.update(body);
                } else {
                    long left = length;
                    while (left > 0) {
                        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                        if (n < 0) {
                            throw new EOFException();
                        }
                        crc.update(buffer, 0, n);
                        left -= n;
                    }
                }
                long stored = in.readInt() & 0xFFFFFFFFL;
                if (stored != crc.getValue()) {
                    throw new ImageFileException(file, "broken PNG file: bad CRC in the " + printable(name)
                            + " chunk (the file is damaged)");
                }
                switch (name) {
                    case "IHDR" -> {
                        if (body.length >= 10) {
                            bitDepth = body[8] & 0xFF;
                            colourType = body[9] & 0xFF;
                        }
                    }
                    case "PLTE" -> palette = body.length / 3;
                    case "eXIf" -> orientation = orientation == 0 ? ExifOrientation.fromTiff(body, 0) : orientation;
                    default -> {
                    }
                }
            }
            return new PngChunks(colourType, bitDepth, palette, orientation);
        } catch (EOFException e) {
            throw new ImageFileException(file, "truncated PNG file (ends inside its header chunks)");
        }
    }

    private static String printable(String chunk) {
        return chunk.chars().allMatch(c -> c >= 'A' && c <= 'z') ? chunk : "unnamed";
    }

    /**
     * The palette the pixels are looked up in, as Pillow builds it: the PLTE entries, then for
     * every index past them the grey (i, i, i) of Pillow's initial palette, which PLTE only
     * partly overwrites. The JDK's reader pads short palettes differently.
     */
    static java.awt.image.IndexColorModel pillowPalette(java.awt.image.IndexColorModel decoded, int entries) {
        int size = Math.max(decoded.getMapSize(), 1 << Math.min(8, decoded.getPixelSize()));
        byte[] r = new byte[size];
        byte[] g = new byte[size];
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            boolean stored = i < entries && i < decoded.getMapSize();
            r[i] = (byte) (stored ? decoded.getRed(i) : i);
            g[i] = (byte) (stored ? decoded.getGreen(i) : i);
            b[i] = (byte) (stored ? decoded.getBlue(i) : i);
        }
        return new java.awt.image.IndexColorModel(decoded.getPixelSize(), size, r, g, b);
    }
}
