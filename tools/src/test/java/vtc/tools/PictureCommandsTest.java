package vtc.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vtc.fixtures.Fixtures;
import vtc.fixtures.Golden;
import vtc.pruning.analysis.SpearmanCorrelation;

/** {@code demo}, {@code visualize} and {@code analyze}: they complete and write the pictures they promise. */
class PictureCommandsTest {

    private static final Golden GOLDEN = Golden.of(Fixtures.TINY_LLAVA);

    @Test
    void demoRunsThreeSettingsAndWritesThePicture(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("demo.png");
        Cli run = Cli.run("demo", "--out", png.toString(), "--threads", "1", "--runs", "3");
        assertEquals(0, run.code(), run.toString());
        assertTrue(run.out().contains("meaningless"), "the demo says the tiny model's text means nothing");
        assertTrue(run.out().contains("Running a real model"));
        for (String kept : new String[] {"64/64", "16/64", "8/64"}) {
            assertTrue(run.out().contains(kept), kept + " row missing:\n" + run.out());
        }
        // The unpruned row streams the golden greedy text (pad preprocessing, llava-hf template, 8 tokens).
        assertTrue(run.out().contains("[none] " + GOLDEN.at("greedy.runs.full.decoded").getAsString()), run.out());
        assertTrue(run.out().contains(png.toAbsolutePath().toString()));
        BufferedImage picture = ImageIO.read(png.toFile());
        assertEquals(2 * 448 + 12, picture.getWidth());
        assertTrue(run.out().contains("rotated order"), "the demo times as vtc bench does:\n" + run.out());
    }

    /** The default picture goes into the working directory, not a fixed temporary path. */
    @Test
    void demoWritesIntoTheWorkingDirectoryByDefault() {
        Cli run = Cli.run("demo", "--help");
        assertTrue(run.out().contains("working directory"), run.out());
        assertEquals(Path.of("vtc-demo-kept-patches.png"), DemoCommand.DEFAULT_OUT);
    }

    /** The extension picks the format: .jpg holds JPEG bytes; an unknown extension is refused before any work. */
    @Test
    void visualizeWritesTheFormatItsExtensionNames(@TempDir Path dir) throws IOException {
        Path jpg = dir.resolve("v.jpg");
        Cli run = Cli.run("visualize", "--model", Cli.TINY.toString(), "--image", Cli.IMAGE1.toString(), "--keep", "16",
                "--out", jpg.toString(), "--threads", "1", "--quiet");
        assertEquals(0, run.code(), run.toString());
        byte[] bytes = java.nio.file.Files.readAllBytes(jpg);
        assertEquals(0xFF, bytes[0] & 0xFF);
        assertEquals(0xD8, bytes[1] & 0xFF, "JPEG start-of-image marker");
        Cli gif = Cli.run("visualize", "--model", Cli.TINY.toString(), "--image", Cli.IMAGE1.toString(),
                "--out", dir.resolve("v.gif").toString());
        assertEquals(2, gif.code(), gif.toString());
        assertTrue(gif.err().contains(".png or .jpg"), gif.err());
        assertTrue(java.nio.file.Files.notExists(dir.resolve("v.gif")));
    }

    /** The title names the method, K and U; the colour scale runs from the lowest rank's colour to the highest's. */
    @Test
    void pictureHasTitleAndColourScale(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("t.png");
        Cli run = Cli.run("visualize", "--model", Cli.TINY.toString(), "--image", Cli.IMAGE1.toString(), "--keep", "16",
                "--layers", "3", "--out", png.toString(), "--threads", "1", "--quiet");
        assertEquals(0, run.code(), run.toString());
        BufferedImage picture = ImageIO.read(png.toFile());
        int barY = KeptPatchPicture.TOP + 448 + 8 + 7;
        assertEquals(KeptPatchPicture.heat(0), picture.getRGB(448 + 12, barY) & 0xFFFFFF);
        assertEquals(KeptPatchPicture.heat(1), picture.getRGB(2 * 448 + 11, barY) & 0xFFFFFF);
        assertEquals("vtc-cls K=3  —  U=16 of 64 patches kept  —  image1.png",
                KeptPatchPicture.title(new ClsScoreMap(null, 14, new float[64], new int[16], false), "vtc-cls K=3",
                        Cli.IMAGE1));
        boolean inked = false;
        for (int y = 0; y < KeptPatchPicture.TOP && !inked; y++) {
            for (int x = 0; x < 200 && !inked; x++) {
                inked = (picture.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF;
            }
        }
        assertTrue(inked, "the title band holds text");
    }

    /**
     * Left panel, scale 4 (112 → 448): every pixel of a kept patch is the preprocessed image's
     * pixel (golden {@code image1.pad.resized}, exact bytes), every pixel of a dropped patch black.
     */
    @Test
    void visualizeBlacksOutExactlyTheDroppedPatches(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("v.png");
        Cli run = Cli.run("visualize", "--model", Cli.TINY.toString(), "--image", Cli.IMAGE1.toString(),
                "--layers", "3", "--keep", "16", "--preprocess", "pad", "--out", png.toString(), "--threads", "1");
        assertEquals(0, run.code(), run.toString());
        BufferedImage picture = ImageIO.read(png.toFile());
        byte[] view = GOLDEN.bytes("image1.pad.resized");
        int[] kept = GOLDEN.ints("vtc.by_k.k3.selected.u16");
        for (int y = 0; y < 448; y++) {
            for (int x = 0; x < 448; x++) {
                int sx = x / 4;
                int sy = y / 4;
                int patch = (sy / 14) * 8 + sx / 14;
                int i = (sy * 112 + sx) * 3;
                int expected = Arrays.binarySearch(kept, patch) >= 0
                        ? (view[i] & 0xFF) << 16 | (view[i + 1] & 0xFF) << 8 | (view[i + 2] & 0xFF)
                        : 0;
                assertEquals(expected, picture.getRGB(x, y + KeptPatchPicture.TOP) & 0xFFFFFF, "pixel " + x + "," + y + " of patch " + patch);
            }
        }
    }

    @Test
    void analyzePrintsEveryLayerAndKAndWritesThePlot(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("a.png");
        Cli run = Cli.run("analyze", "--model", Cli.TINY.toString(), "--image", Cli.IMAGE1.toString(),
                "--prompt", Cli.QUESTION, "--preprocess", "pad", "--out", png.toString(), "--threads", "1");
        assertEquals(0, run.code(), run.toString());
        // N = 64: U = round(64·64/576) = 7 and round(128·64/576) = 14; K up to 4 (F = 4 allows 5); 3 decoder layers.
        assertTrue(run.out().contains("U = 7:") && run.out().contains("U = 14:"), run.out());
        assertTrue(run.out().contains("K=4") && !run.out().contains("K=5"), run.out());
        assertTrue(run.out().lines().anyMatch(l -> l.startsWith("2 ")), run.out());
        assertTrue(ImageIO.read(png.toFile()).getWidth() > 0);

        // LLM layer 0 against the golden signals: the [CLS] scores per K and the last prompt token's
        // head-mean attention on the image in decoder layer 0 (FastV's K=1 row). Printed with 3
        // decimals, so they agree to 5e-4 plus the float32 noise of the measured vectors.
        String[] layer0 = run.out().lines().filter(l -> l.startsWith("0 ")).reduce((a, b) -> b).orElseThrow()
                .trim().split("\\s+");
        float[] llm = GOLDEN.floats("fastv.k1_u8.attention_row");
        for (int k = 1; k <= 3; k++) {
            double expected = SpearmanCorrelation.of(GOLDEN.floats("vtc.scores.k" + k), llm);
            assertEquals(expected, Double.parseDouble(layer0[k]), 6e-4, "Spearman, K=" + k + ", LLM layer 0");
        }
    }

    /** PruMerge's picture: its kept patches, and a note that the merges are not in it. */
    @Test
    void visualizeOfAMergingMethodSaysThePictureDoesNotShowTheMerges(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("m.png");
        Cli run = Cli.run("visualize", "--model", Cli.TINY.toString(), "--image", Cli.IMAGE1.toString(),
                "--method", "prumerge", "--preprocess", "pad", "--out", png.toString(), "--threads", "1");
        assertEquals(0, run.code(), run.toString());
        assertTrue(run.out().contains("kept " + GOLDEN.ints("prumerge.by_setting.adaptive.kept_indices").length + " of 64"),
                run.out());
        assertTrue(run.out().contains("not the merges"), run.out());
        assertTrue(Files.size(png) > 0);
        assertEquals(2, Cli.run("visualize", "--model", Cli.TINY.toString(), "--image", Cli.IMAGE1.toString(),
                "--method", "fastv", "--out", png.toString(), "--threads", "1").code(), "FastV has no [CLS] score");
    }
}
