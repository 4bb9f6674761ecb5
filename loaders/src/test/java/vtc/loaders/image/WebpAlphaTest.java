package vtc.loaders.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The alpha planes of lossy WebP files decode to Pillow's alpha channel. {@code convert("RGB")}
 * drops alpha, so {@link PillowReferenceImagesTest} cannot see it; this test compares the plane
 * {@link WebpAlpha} decodes with the SHA-256 of {@code Image.open(f).getchannel("A").tobytes()}
 * from Pillow 9.4 (libwebp 1.2.4), for each way the encoder stores it: raw, VP8L-compressed,
 * pre-processed levels, and the horizontal, vertical and gradient filters.
 */
class WebpAlphaTest {

    private static final Map<String, String> PILLOW_ALPHA_SHA256 = Map.of(
            "webp-lossy-alpha.webp", "3a812744b32118b978bf031496b58c0d24ec1a8ff5b3406da740ece744c86be3",
            "webp-lossy-alpha-raw.webp", "3a812744b32118b978bf031496b58c0d24ec1a8ff5b3406da740ece744c86be3",
            "webp-lossy-alpha-exact.webp", "3a812744b32118b978bf031496b58c0d24ec1a8ff5b3406da740ece744c86be3",
            "webp-lossy-alpha-levels.webp", "6b5e2e7dd2da0ccac9808338f945bbd497a4de2e9c7c93d2d8173b30a78f9baa",
            "webp-lossy-alpha-filter-horizontal.webp", "ec43cd359b5cb85bdd79f8e52a2e12b21b28879972032ed2cbdbe7c079bfcb70",
            "webp-lossy-alpha-filter-gradient.webp", "ec43cd359b5cb85bdd79f8e52a2e12b21b28879972032ed2cbdbe7c079bfcb70",
            "webp-lossy-alpha-filter-vertical.webp", "e0b622aa08b870a8ca8fb9da9e04ed1b4e3b3cbf5c185745820ebe1d45edfc4b",
            "webp-lossy-photo-337x251-alpha.webp", "d8f161b1e0f2d551b79b3790daefd9ef3335a621858d5ffa1045418dcadf072a");

    /** The header byte's filter field of each file, so that each filter is known to be exercised. */
    private static final Map<String, Integer> FILTER = Map.of(
            "webp-lossy-alpha-filter-horizontal.webp", 1,
            "webp-lossy-alpha-filter-vertical.webp", 2,
            "webp-lossy-alpha-filter-gradient.webp", 3,
            "webp-lossy-alpha-raw.webp", 0);

    @TestFactory
    Stream<DynamicTest> alphaPlanesMatchPillow() {
        return PILLOW_ALPHA_SHA256.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
                    Path file = Path.of(getClass().getResource("/pillow-reference/" + e.getKey()).toURI());
                    byte[] data = Files.readAllBytes(file);
                    // VP8X, then ALPH, then VP8: the layout libwebp's encoder writes
                    WebpFile.Chunk vp8x = WebpFile.chunkAt(file, data, 12, data.length);
                    WebpFile.Chunk alph = WebpFile.chunkAt(file, data, WebpFile.next(vp8x), data.length);
                    assertEquals("ALPH", alph.id());
                    if (FILTER.containsKey(e.getKey())) {
                        int header = data[alph.start()] & 0xFF;
                        assertEquals((int) FILTER.get(e.getKey()), (header >> 2) & 3, "filter");
                        if (e.getKey().endsWith("-raw.webp")) {
                            assertEquals(0, header & 3, "stored without compression");
                        }
                    }
                    RgbImage rgb = ImageFiles.read(file);
                    byte[] alpha = WebpAlpha.decode(file, data, alph.start(), alph.size(), rgb.width(), rgb.height());
                    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(alpha));
                    assertEquals(e.getValue(), sha, "alpha plane differs from Pillow's");
                }));
    }
}
