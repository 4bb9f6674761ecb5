package vtc.loaders.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Files written by real encoders (libjpeg-turbo, ImageMagick, Pillow, libwebp; see the folder's
 * README) decode to exactly the RGB bytes Pillow gives — compared by SHA-256 against
 * {@code expected.tsv}, which Pillow wrote — and files Pillow refuses are refused.
 */
class PillowReferenceImagesTest {

    /** What this decoder does not read yet, each refused with a message that names the format. */
    private static final Map<String, String> NOT_YET = Map.of(
            "tiff-lab-imagemagick.tif", "CIE L*a*b* TIFF, which is not supported",
            "jpeg-progressive-dc-only.jpg", "low-frequency coefficients incomplete");

    private static Path folder() throws URISyntaxException {
        return Path.of(PillowReferenceImagesTest.class.getResource("/pillow-reference/expected.tsv").toURI()).getParent();
    }

    private record Expected(String file, String mode, int width, int height, String sha256, int uprightWidth,
                            int uprightHeight, String uprightSha256) {

        boolean refused() {
            return mode.equals("refused");
        }
    }

    private static List<Expected> expected() throws IOException, URISyntaxException {
        return Files.readAllLines(folder().resolve("expected.tsv")).stream()
                .filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.split("\t", -1))
                .map(f -> f[1].equals("refused") ? new Expected(f[0], f[1], 0, 0, "", 0, 0, "")
                        : new Expected(f[0], f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]), f[4],
                                Integer.parseInt(f[5]), Integer.parseInt(f[6]), f[7]))
                .toList();
    }

    @TestFactory
    Stream<DynamicTest> decodesAsPillow() throws IOException, URISyntaxException {
        Path dir = folder();
        return expected().stream().map(e -> DynamicTest.dynamicTest(e.file(), () -> {
            Path file = dir.resolve(e.file());
            if (e.refused()) {
                ImageFileException error = assertThrows(ImageFileException.class, () -> ImageFiles.read(file));
                assertTrue(error.getMessage().contains(file.toString()), error.getMessage());
                return;
            }
            if (NOT_YET.containsKey(e.file())) {
                ImageFileException error = assertThrows(ImageFileException.class, () -> ImageFiles.read(file));
                assertTrue(error.getMessage().contains(NOT_YET.get(e.file())), error.getMessage());
                return;
            }
            RgbImage image = ImageFiles.read(file);
            assertEquals(e.width() + "x" + e.height(), image.width() + "x" + image.height(), "size");
            assertEquals(e.sha256(), sha256(image.rgb()), "RGB bytes differ from Pillow's convert(\"RGB\")");
            RgbImage upright = ImageFiles.readUpright(file);
            assertEquals(e.uprightWidth() + "x" + e.uprightHeight(), upright.width() + "x" + upright.height(),
                    "size after exif_transpose");
            assertEquals(e.uprightSha256(), sha256(upright.rgb()), "RGB bytes differ from Pillow's exif_transpose");
        }));
    }

    /** The suite covers every file in the folder, so a reference added later cannot be forgotten. */
    @Test
    void everyFileHasAnExpectation() throws IOException, URISyntaxException {
        List<String> listed = expected().stream().map(Expected::file).sorted().toList();
        try (Stream<Path> files = Files.list(folder())) {
            List<String> present = files.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals("expected.tsv") && !n.equals("README.md")).sorted().toList();
            assertEquals(present, listed);
        }
        assertTrue(listed.size() >= 40, "the reference set is complete");
    }

    /** The orientations read from the files are the tags Pillow wrote into them. */
    @Test
    void orientationTagsAreRead() throws URISyntaxException {
        for (int o = 1; o <= 8; o++) {
            assertEquals(o, ImageFiles.orientation(folder().resolve("exif-orientation-" + o + ".jpg")));
        }
        assertEquals(6, ImageFiles.orientation(folder().resolve("exif-orientation-6.png")));
        assertEquals(0, ImageFiles.orientation(folder().resolve("jpeg-440.jpg")));
        assertEquals(6, ImageFiles.orientation(folder().resolve("webp-exif-orientation-6-lossy.webp")));
        assertEquals(3, ImageFiles.orientation(folder().resolve("webp-exif-orientation-3-lossless.webp")));
        assertEquals(8, ImageFiles.orientation(folder().resolve("webp-exif-orientation-8-prefixed.webp")));
        assertEquals(0, ImageFiles.orientation(folder().resolve("webp-lossy.webp")));
    }

    /** The fancy upsampling rule on numbers worked by hand: edges replicate, biases 1 and 2 alternate. */
    @Test
    void fancyRowsInterpolateThreeToOne() {
        byte[] stored = ArithmeticJpegTest.samples(0, 100, 200); // one column, three stored rows
        // row 0: (3·0 + 0 + 1) >> 2 = 0; row 1: (3·0 + 100 + 2) >> 2 = 25; row 2: (300 + 0 + 1) >> 2 = 75;
        // row 3: (300 + 200 + 2) >> 2 = 125; row 4: (600 + 100 + 1) >> 2 = 175; row 5: (600 + 200 + 2) >> 2 = 200
        assertEquals(List.of(0, 25, 75, 125, 175, 200),
                java.util.Arrays.stream(ArithmeticJpegTest.unsigned(JpegUpsampling.fancyRows(stored, 1, 6))).boxed().toList());
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
