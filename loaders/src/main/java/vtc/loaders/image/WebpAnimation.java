package vtc.loaders.image;

import java.nio.file.Path;

/**
 * The first frame of an animated WebP file, as Pillow shows it (WebP container specification,
 * "Animation"). After {@code VP8X} come an {@code ANIM} chunk (background colour and loop count)
 * and one {@code ANMF} chunk per frame: the frame's offset on the canvas (in units of two
 * pixels), its size, duration, blending and disposal flags, then its image — an {@code ALPH} and
 * a {@code VP8 } chunk, or a {@code VP8L} chunk.
 *
 * <p>Pillow reads animations through libwebp's animation decoder, which starts from a fully
 * transparent black canvas (the background colour in {@code ANIM} is only a hint and is not
 * used) and copies the first frame onto it at its offset, without blending. Converted to RGB, the
 * canvas outside the first frame is therefore black.
 */
final class WebpAnimation {

    private WebpAnimation() {
    }

    /** The first frame on its canvas, reading the chunks from {@code at} to {@code end}. */
    static RgbImage firstFrame(Path file, byte[] data, int at, int end, int canvasWidth, int canvasHeight,
                               long maxPixels) {
        while (at < end) {
            WebpFile.Chunk c = WebpFile.chunkAt(file, data, at, end);
            if (c.id().equals("ANMF")) {
                return placeOnCanvas(file, data, c, canvasWidth, canvasHeight, maxPixels);
            }
            if (c.id().equals("VP8 ") || c.id().equals("VP8L") || c.id().equals("ALPH")) {
                throw new ImageFileException(file, "corrupt WebP: an image chunk outside the frames of an animation");
            }
            at = WebpFile.next(c); // ANIM, metadata and unknown chunks
        }
        throw new ImageFileException(file, "animated WebP file without a frame");
    }

    private static RgbImage placeOnCanvas(Path file, byte[] data, WebpFile.Chunk frame, int canvasWidth,
                                          int canvasHeight, long maxPixels) {
        if (frame.size() < 16) {
            throw new ImageFileException(file, "corrupt WebP: an ANMF chunk of " + frame.size() + " bytes");
        }
        int s = frame.start();
        int x = 2 * WebpFile.le24(data, s);
        int y = 2 * WebpFile.le24(data, s + 3);
        int width = WebpFile.le24(data, s + 6) + 1;
        int height = WebpFile.le24(data, s + 9) + 1;
        if ((long) x + width > canvasWidth || (long) y + height > canvasHeight) {
            throw new ImageFileException(file, "corrupt WebP: a " + width + "x" + height + " frame at (" + x + ", " + y
                    + ") does not fit the " + canvasWidth + "x" + canvasHeight + " canvas");
        }
        RgbImage image = WebpFile.stillImage(file, data, s + 16, s + frame.size(), maxPixels);
        if (image == null) {
            throw new ImageFileException(file, "corrupt WebP: the first animation frame has no image");
        }
        if (image.width() != width || image.height() != height) {
            throw new ImageFileException(file, "corrupt WebP: the first frame is declared " + width + "x" + height
                    + " but its image is " + image.width() + "x" + image.height());
        }
        byte[] canvas = new byte[canvasWidth * canvasHeight * 3];
        for (int row = 0; row < height; row++) {
            System.arraycopy(image.rgb(), row * width * 3, canvas, ((y + row) * canvasWidth + x) * 3, width * 3);
        }
        return new RgbImage(canvasWidth, canvasHeight, canvas);
    }
}
