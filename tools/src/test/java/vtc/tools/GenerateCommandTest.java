package vtc.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import vtc.fixtures.Fixtures;
import vtc.fixtures.Golden;

/**
 * {@code vtc generate} against the golden greedy runs. Token ids and kept indices are integers
 * with margins stated in the fixture README (top1−top2 ≥ 0.0162, [CLS] score gaps ≥ 8e-3), so
 * they must match exactly.
 */
class GenerateCommandTest {

    private static final Golden GOLDEN = Golden.of(Fixtures.TINY_LLAVA);

    private static Cli generate(String... extra) {
        String[] base = {"generate", "--model", Cli.TINY.toString(), "--image", Cli.IMAGE1.toString(),
                "--prompt", Cli.QUESTION, "--preprocess", "pad", "--no-eos-stop", "--max-new-tokens", "8",
                "--threads", "1"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Cli.run(args);
    }

    private static int[] ints(JsonArray a) {
        return IntStream.range(0, a.size()).map(i -> a.get(i).getAsInt()).toArray();
    }

    @Test
    void noPruningJsonIsTheGoldenFullRun() {
        JsonObject report = generate("--method", "none", "--json").json();
        assertArrayEquals(GOLDEN.ints("prompt.input_ids"), ints(report.getAsJsonArray("input_ids")));
        assertEquals(64, report.get("image_tokens").getAsInt());
        assertArrayEquals(IntStream.range(0, 64).toArray(), ints(report.getAsJsonArray("kept_indices")));
        assertArrayEquals(GOLDEN.ints("greedy.runs.full.generated_ids"), ints(report.getAsJsonArray("generated_ids")));
        assertEquals(GOLDEN.at("greedy.runs.full.decoded").getAsString(), report.get("text").getAsString());
        JsonObject timings = report.getAsJsonObject("timings_ms");
        for (String stage : new String[] {"preprocess", "vision", "prune", "prefill", "decode"}) {
            assertTrue(timings.get(stage).getAsJsonPrimitive().isNumber(), stage + " must be a JSON number");
            assertTrue(timings.get(stage).getAsDouble() >= 0, stage);
        }
    }

    @Test
    void vtcClsKeepsTheGoldenPatchesAndGeneratesTheGoldenIds() {
        JsonObject report = generate("--method", "vtc-cls", "--layers", "3", "--keep", "16", "--json").json();
        assertArrayEquals(GOLDEN.ints("vtc.by_k.k3.selected.u16"), ints(report.getAsJsonArray("kept_indices")));
        assertArrayEquals(GOLDEN.ints("greedy.runs.k3_u16.generated_ids"), ints(report.getAsJsonArray("generated_ids")));
    }

    @Test
    void fastvKeepsTheGoldenImageTokens() {
        JsonObject report = generate("--method", "fastv", "--layers", "2", "--keep", "8", "--json").json();
        assertArrayEquals(GOLDEN.ints("fastv.by_setting.k2_u8.kept_image_indices"),
                ints(report.getAsJsonArray("kept_indices")));
        assertArrayEquals(GOLDEN.ints("fastv.by_setting.k2_u8.generated_ids"),
                ints(report.getAsJsonArray("generated_ids")));
    }

    @Test
    void withoutJsonTheTextIsStreamedToStdout() {
        Cli run = generate("--method", "none", "--quiet");
        assertEquals(0, run.code(), run.toString());
        assertEquals(GOLDEN.at("greedy.runs.full.decoded").getAsString() + System.lineSeparator(), run.out());
        assertEquals("", run.err(), "--quiet: no progress notes");
    }

    /** Progress goes to stderr even when it is not a terminal (vtc … | tee), never to stdout. */
    @Test
    void progressNotesGoToStderrWhenNotATerminal() {
        Cli run = generate("--method", "none");
        assertEquals(0, run.code(), run.toString());
        assertEquals(GOLDEN.at("greedy.runs.full.decoded").getAsString() + System.lineSeparator(), run.out());
        assertTrue(run.err().startsWith("loading "), run.err());
        assertTrue(run.err().contains("visual tokens kept"), run.err());
    }

    @Test
    void imageTokenInThePromptSaysTheTemplatePlacesIt() {
        Cli run = Cli.run("generate", "--model", Cli.TINY.toString(), "--image", Cli.IMAGE1.toString(), "--prompt",
                "<image>\nWhat is in the picture?");
        assertEquals(2, run.code(), run.toString());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().contains("already places the image"), run.err());
        assertTrue(run.err().contains("--template raw"), run.err());
    }

    @Test
    void imageUrlSaysDownloadItFirst() {
        Cli run = Cli.run("generate", "--model", Cli.TINY.toString(), "--image", "https://example.org/cat.jpg",
                "--prompt", "q");
        assertEquals(2, run.code(), run.toString());
        assertTrue(run.err().contains("Download the image first"), run.err());
    }

    @Test
    void fastvLayerBeyondTheDecoderIsRefusedByTheModelInOneLine() {
        Cli run = generate("--method", "fastv", "--layers", "3", "--quiet");
        assertEquals(1, run.code(), run.toString());
        assertTrue(run.err().contains("K must be in [1, 2]"), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    /** Output order and the extra row: the golden PruMerge+ setting T = 3, s = 4, and PruMerge's own. */
    @Test
    void pruMergeReportsTheKeptPatchesInOutputOrderAndTheExtraRow() {
        for (String[] run : new String[][] {{"plus_t3_s4", "--method", "prumerge+", "--top", "3", "--stride", "4", "--json"},
                {"adaptive", "--method", "prumerge", "--json"}}) {
            String entry = "prumerge.by_setting." + run[0];
            JsonObject report = generate(java.util.Arrays.copyOfRange(run, 1, run.length)).json();
            int[] kept = GOLDEN.ints(entry + ".kept_indices");
            assertArrayEquals(kept, ints(report.getAsJsonArray("kept_indices")), run[0]);
            assertEquals(kept.length + 1, report.get("image_rows").getAsInt(), run[0]);
            assertArrayEquals(GOLDEN.ints(entry + ".generated_ids"), ints(report.getAsJsonArray("generated_ids")), run[0]);
        }
    }

    @Test
    void theOfficialPruMergePlusPresetsNeedFiveHundredSeventySixPatches() {
        Cli run = generate("--method", "prumerge+", "--keep", "64");
        assertEquals(2, run.code(), run.toString());
        assertTrue(run.err().contains("--keep") && run.err().contains("576"), run.err());
    }

    @Test
    void vtcClsLayersBeyondTheFeatureLayerIsAUsageError() {
        Cli run = generate("--layers", "6", "--quiet");
        assertEquals(2, run.code(), run.toString());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    /**
     * --exif-transpose: a file tagged "turned 180°" (orientation 3) holding the golden image upside
     * down answers exactly as the golden image itself (the golden greedy text).
     */
    @Test
    void exifTransposeTurnsTheImageUprightFirst(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        java.awt.image.BufferedImage golden = javax.imageio.ImageIO.read(Cli.IMAGE1.toFile());
        int w = golden.getWidth();
        int h = golden.getHeight();
        java.awt.image.BufferedImage turned = new java.awt.image.BufferedImage(w, h,
                java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                turned.setRGB(w - 1 - x, h - 1 - y, golden.getRGB(x, y));
            }
        }
        Path png = dir.resolve("turned.png");
        javax.imageio.ImageIO.write(turned, "png", png.toFile());
        Path tagged = dir.resolve("turned-tagged.png");
        java.nio.file.Files.write(tagged, withOrientationChunk(java.nio.file.Files.readAllBytes(png), 3));

        String[] common = {"--method", "none", "--preprocess", "pad", "--max-new-tokens", "8", "--quiet", "--json"};
        JsonObject upright = generateAt(tagged, common, "--exif-transpose");
        JsonObject original = generateAt(Cli.IMAGE1, common);
        assertEquals(original.get("generated_ids"), upright.get("generated_ids"));
        assertEquals(GOLDEN.at("greedy.runs.full.decoded").getAsString(), upright.get("text").getAsString());
    }

    private static JsonObject generateAt(Path image, String[] common, String... more) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("generate", "--model",
                Cli.TINY.toString(), "--image", image.toString(), "--prompt", Cli.QUESTION));
        args.addAll(java.util.List.of(common));
        args.addAll(java.util.List.of(more));
        return Cli.run(args.toArray(String[]::new)).json();
    }

    /** The PNG with an eXIf chunk (big-endian TIFF, one IFD entry: orientation) inserted after IHDR. */
    private static byte[] withOrientationChunk(byte[] png, int orientation) {
        byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0,
                0, 0, 0, 0, 0, 0};
        java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocate(12 + tiff.length);
        chunk.putInt(tiff.length).put("eXIf".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put(tiff);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(chunk.array(), 4, 4 + tiff.length);
        chunk.putInt((int) crc.getValue());
        int afterIhdr = 8 + 12 + 13;
        byte[] out = new byte[png.length + chunk.capacity()];
        System.arraycopy(png, 0, out, 0, afterIhdr);
        System.arraycopy(chunk.array(), 0, out, afterIhdr, chunk.capacity());
        System.arraycopy(png, afterIhdr, out, afterIhdr + chunk.capacity(), png.length - afterIhdr);
        return out;
    }
}
