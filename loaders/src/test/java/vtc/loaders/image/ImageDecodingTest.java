package vtc.loaders.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PNGs of every colour type, written with ImageIO, decode to what Pillow's {@code convert("RGB")} gives. The
 * expected values are derived from the format and Pillow's unpackers/converters (see {@link PillowRgbConversion}),
 * not from this decoder.
 */
class ImageDecodingTest {

    @TempDir
    Path dir;

    @Test
    void eightBitGreyIsReplicated() throws IOException {
        int[] grey = {0, 1, 127, 128, 200, 255};
        BufferedImage image = new BufferedImage(grey.length, 1, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setSamples(0, 0, grey.length, 1, 0, grey);

        RgbImage rgb = ImageFiles.read(png(image, "grey8.png"));

        assertEquals(colorType(dir.resolve("grey8.png")), 0, "written as PNG grey");
        assertArrayEquals(rgbOf(grey, grey, grey), rgb.rgb());
    }

    @Test
    void sixteenBitGreyIsClippedAsPillowDoesForModeI16() throws IOException {
        int[] grey = {0, 1, 200, 255, 256, 1000, 0x8000, 65535};
        BufferedImage image = new BufferedImage(grey.length, 1, BufferedImage.TYPE_USHORT_GRAY);
        image.getRaster().setSamples(0, 0, grey.length, 1, 0, grey);

        RgbImage rgb = ImageFiles.read(png(image, "grey16.png"));

        assertEquals(16, bitDepth(dir.resolve("grey16.png")));
        int[] clipped = {0, 1, 200, 255, 255, 255, 255, 255};
        assertArrayEquals(rgbOf(clipped, clipped, clipped), rgb.rgb());
    }

    @Test
    void sixteenBitGreyWithColourKeyIsStillClipped() throws IOException {
        // A tRNS chunk does not make Pillow's mode I;16 an LA image, though the JDK decodes it with an alpha band.
        int[] grey = {0, 100, 1000, 65535};
        BufferedImage image = new BufferedImage(grey.length, 1, BufferedImage.TYPE_USHORT_GRAY);
        image.getRaster().setSamples(0, 0, grey.length, 1, 0, grey);
        Path plain = png(image, "grey16.png");
        byte[] png = Files.readAllBytes(plain);
        int afterIhdr = 8 + 4 + 4 + 13 + 4;
        ByteArrayOutputStream keyed = new ByteArrayOutputStream();
        keyed.write(png, 0, afterIhdr);
        writeChunk(keyed, "tRNS", new byte[] {0x03, (byte) 0xE8}); // grey 1000 is transparent
        keyed.write(png, afterIhdr, png.length - afterIhdr);

        RgbImage rgb = ImageFiles.read(Files.write(dir.resolve("grey16-trns.png"), keyed.toByteArray()));

        int[] clipped = {0, 100, 255, 255};
        assertArrayEquals(rgbOf(clipped, clipped, clipped), rgb.rgb());
    }

    @Test
    void greyWithAlphaDropsTheAlpha() throws IOException {
        int[] grey = {0, 90, 180, 255};
        int[] alpha = {255, 0, 128, 7};
        RgbImage rgb = ImageFiles.read(png(component(ColorSpace.CS_GRAY, true, DataBuffer.TYPE_BYTE, grey, alpha), "la8.png"));

        assertEquals(4, colorType(dir.resolve("la8.png")), "written as PNG grey+alpha");
        assertArrayEquals(rgbOf(grey, grey, grey), rgb.rgb());
    }

    @Test
    void sixteenBitGreyWithAlphaKeepsTheHighByte() throws IOException {
        int[] grey = {0x00FF, 0x0100, 0x7F80, 0xFFFF};
        int[] alpha = {0xFFFF, 0, 0x1234, 0x8000};
        RgbImage rgb = ImageFiles.read(png(component(ColorSpace.CS_GRAY, true, DataBuffer.TYPE_USHORT, grey, alpha), "la16.png"));

        assertEquals(4, colorType(dir.resolve("la16.png")));
        int[] high = {0x00, 0x01, 0x7F, 0xFF};
        assertArrayEquals(rgbOf(high, high, high), rgb.rgb());
    }

    @Test
    void rgbaDropsTheAlphaWithoutCompositing() throws IOException {
        int[] r = {10, 200, 255, 0};
        int[] g = {20, 100, 0, 0};
        int[] b = {30, 50, 128, 0};
        int[] a = {255, 0, 64, 0};
        RgbImage rgb = ImageFiles.read(png(component(ColorSpace.CS_sRGB, true, DataBuffer.TYPE_BYTE, r, g, b, a), "rgba8.png"));

        assertEquals(6, colorType(dir.resolve("rgba8.png")));
        assertArrayEquals(rgbOf(r, g, b), rgb.rgb());
    }

    @Test
    void sixteenBitRgbAndRgbaKeepTheHighByte() throws IOException {
        int[] r = {0x0000, 0x00FF, 0x0100, 0xFFFF};
        int[] g = {0x1234, 0x8000, 0x7FFF, 0xABCD};
        int[] b = {0xFF00, 0x0001, 0x4242, 0x0080};
        int[] a = {0xFFFF, 0x0000, 0x1111, 0x8888};
        int[][] expected = {{0x00, 0x00, 0x01, 0xFF}, {0x12, 0x80, 0x7F, 0xAB}, {0xFF, 0x00, 0x42, 0x00}};

        RgbImage rgb16 = ImageFiles.read(png(component(ColorSpace.CS_sRGB, false, DataBuffer.TYPE_USHORT, r, g, b), "rgb16.png"));
        RgbImage rgba16 = ImageFiles.read(png(component(ColorSpace.CS_sRGB, true, DataBuffer.TYPE_USHORT, r, g, b, a), "rgba16.png"));

        assertEquals(16, bitDepth(dir.resolve("rgb16.png")));
        assertEquals(2, colorType(dir.resolve("rgb16.png")));
        assertEquals(6, colorType(dir.resolve("rgba16.png")));
        assertArrayEquals(rgbOf(expected[0], expected[1], expected[2]), rgb16.rgb());
        assertArrayEquals(rgbOf(expected[0], expected[1], expected[2]), rgba16.rgb());
    }

    @Test
    void paletteIsLookedUpAndItsTransparencyDropped() throws IOException {
        byte[] red = {(byte) 255, 0, 17, (byte) 128};
        byte[] green = {0, (byte) 255, 34, (byte) 129};
        byte[] blue = {0, 0, 51, (byte) 130};
        byte[] alpha = {(byte) 255, 0, (byte) 100, (byte) 255};
        IndexColorModel palette = new IndexColorModel(8, 4, red, green, blue, alpha);
        BufferedImage image = new BufferedImage(5, 1, BufferedImage.TYPE_BYTE_INDEXED, palette);
        int[] indices = {3, 2, 1, 0, 2};
        image.getRaster().setSamples(0, 0, 5, 1, 0, indices);

        RgbImage rgb = ImageFiles.read(png(image, "palette.png"));

        assertEquals(3, colorType(dir.resolve("palette.png")), "written as PNG palette");
        int[] r = new int[5];
        int[] g = new int[5];
        int[] b = new int[5];
        for (int i = 0; i < 5; i++) {
            r[i] = red[indices[i]] & 0xFF;
            g[i] = green[indices[i]] & 0xFF;
            b[i] = blue[indices[i]] & 0xFF;
        }
        assertArrayEquals(rgbOf(r, g, b), rgb.rgb());
    }

    @Test
    void twoBitGreyIsScaledLikePillowsL2Unpacker() throws IOException {
        // Pillow's L;2 unpacker maps level l to l · 0x55.
        byte[] ramp = {0, 85, (byte) 170, (byte) 255};
        IndexColorModel greyRamp = new IndexColorModel(2, 4, ramp, ramp, ramp);
        BufferedImage image = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_BINARY, greyRamp);
        image.getRaster().setSamples(0, 0, 4, 1, 0, new int[] {3, 0, 2, 1});

        RgbImage rgb = ImageFiles.read(png(image, "grey2.png"));

        assertEquals(2, bitDepth(dir.resolve("grey2.png")));
        assertEquals(0, colorType(dir.resolve("grey2.png")), "written as PNG grey, not palette");
        int[] expected = {255, 0, 170, 85};
        assertArrayEquals(rgbOf(expected, expected, expected), rgb.rgb());
    }

    @Test
    void greyJpegHasEqualChannels() throws IOException {
        BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                image.getRaster().setSample(x, y, 0, (x * 16 + y * 3) & 0xFF);
            }
        }
        Path file = dir.resolve("grey.jpg");
        ImageIO.write(image, "jpeg", file.toFile());

        RgbImage rgb = ImageFiles.read(file);

        for (int i = 0; i < 16 * 16; i++) {
            assertEquals(rgb.rgb()[i * 3], rgb.rgb()[i * 3 + 1]);
            assertEquals(rgb.rgb()[i * 3], rgb.rgb()[i * 3 + 2]);
        }
    }

    @Test
    void jpegColourProfileIsNotApplied() throws IOException {
        // Pillow's convert("RGB") ignores an embedded ICC profile; the JDK would convert to sRGB (by up to ~70 levels
        // for a linear-RGB profile). The same JPEG with and without a profile must decode identically.
        BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                image.getRaster().setPixel(x, y, new int[] {x * 16, y * 16, 128});
            }
        }
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        ImageIO.write(image, "jpeg", plain);
        byte[] jpeg = plain.toByteArray();
        Path withoutProfile = Files.write(dir.resolve("plain.jpg"), jpeg);
        Path withProfile = Files.write(dir.resolve("linear.jpg"),
                withIccSegment(jpeg, ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData()));

        assertArrayEquals(ImageFiles.read(withoutProfile).rgb(), ImageFiles.read(withProfile).rgb());
    }

    /** Inserts an APP2 "ICC_PROFILE" segment (one chunk) after the JFIF APP0 segment. */
    private static byte[] withIccSegment(byte[] jpeg, byte[] profile) {
        int afterApp0 = 4 + ((jpeg[4] & 0xFF) << 8 | (jpeg[5] & 0xFF));
        byte[] tag = "ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII);
        int length = 2 + tag.length + 2 + profile.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, afterApp0);
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xE2, (byte) (length >> 8), (byte) length});
        out.writeBytes(tag);
        out.writeBytes(new byte[] {1, 1});
        out.writeBytes(profile);
        out.write(jpeg, afterApp0, jpeg.length - afterApp0);
        return out.toByteArray();
    }

    private static void writeChunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private Path png(BufferedImage image, String name) throws IOException {
        Path file = dir.resolve(name);
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IllegalStateException("ImageIO has no PNG writer for " + image);
        }
        return file;
    }

    /** A one-row image of a component colour model; {@code bands[b][x]} is band b of pixel x. */
    private static BufferedImage component(int colorSpace, boolean alpha, int dataType, int[]... bands) {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(colorSpace), alpha, false,
                alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, dataType);
        WritableRaster raster = model.createCompatibleWritableRaster(bands[0].length, 1);
        for (int b = 0; b < bands.length; b++) {
            raster.setSamples(0, 0, bands[b].length, 1, b, bands[b]);
        }
        return new BufferedImage(model, raster, false, null);
    }

    private static byte[] rgbOf(int[] r, int[] g, int[] b) {
        byte[] out = new byte[r.length * 3];
        for (int i = 0; i < r.length; i++) {
            out[i * 3] = (byte) r[i];
            out[i * 3 + 1] = (byte) g[i];
            out[i * 3 + 2] = (byte) b[i];
        }
        return out;
    }

    /** IHDR bit depth: signature (8) + length (4) + "IHDR" (4) + width (4) + height (4). */
    private static int bitDepth(Path png) throws IOException {
        return Files.readAllBytes(png)[24] & 0xFF;
    }

    private static int colorType(Path png) throws IOException {
        return Files.readAllBytes(png)[25] & 0xFF;
    }
}
