package vtc.loaders.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The RIFF container of a WebP file: finds the image chunk and decodes it. Lossless images
 * ({@code VP8L}) are decoded by {@link WebpLossless}; lossy ({@code VP8 }) and animated files
 * are refused with a message that says so.
 */
final class WebpFile {

    private WebpFile() {
    }

    /** Whether the first bytes are a WebP signature ("RIFF" size "WEBP"). */
    static boolean isWebp(byte[] head) {
        return head.length >= 12 && new String(head, 0, 4, StandardCharsets.ISO_8859_1).equals("RIFF")
                && new String(head, 8, 4, StandardCharsets.ISO_8859_1).equals("WEBP");
    }

    static RgbImage read(Path file, long maxPixels) {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ImageFileException(file, "cannot read the file: " + e.getMessage(), e);
        }
        int at = 12;
        while (at + 8 <= data.length) {
            String id = new String(data, at, 4, StandardCharsets.ISO_8859_1);
            long size = (data[at + 4] & 0xFFL) | (data[at + 5] & 0xFFL) << 8 | (data[at + 6] & 0xFFL) << 16
                    | (data[at + 7] & 0xFFL) << 24;
            int body = at + 8;
            if (size > data.length - body) {
                throw new ImageFileException(file, "truncated WebP file (chunk " + printable(id) + " claims " + size
                        + " bytes)");
            }
            switch (id) {
                case "VP8L":
                    return WebpLossless.decode(file, data, body, (int) size, maxPixels);
                case "VP8 ":
                    throw new ImageFileException(file, "lossy WebP, which is not supported yet (lossless WebP is);"
                            + " convert it first, e.g. dwebp in.webp -o out.png");
                case "ANIM":
                case "ANMF":
                    throw new ImageFileException(file, "animated WebP, which is not supported; convert its first frame"
                            + " to PNG first");
                default:
                    break; // VP8X, ICCP, EXIF, XMP, ALPH …: skipped
            }
            at = body + (int) size + (int) (size & 1); // chunks are padded to an even size
        }
        throw new ImageFileException(file, "WebP file without an image chunk");
    }

    private static String printable(String id) {
        return id.chars().allMatch(c -> c >= 0x20 && c < 0x7F) ? id : "unnamed";
    }
}
