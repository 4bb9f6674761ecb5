package vtc.loaders.image;

import java.nio.file.Path;

/**
 * The first frame of an animated WebP file, as Pillow shows it (WebP container specification,
 * "Animation"). After {@code VP8X} come an {@code ANIM} chunk (background colour and loop count)
 * and one {@code ANMF} chunk per frame: the frame's offset on the canvas (in units of two
 * pixels), its size, duration, blending and disposal flags, then its image — an optional
 * {@code ALPH} and a {@code VP8 } chunk, or a {@code VP8L} chunk.
 *
 * <p>Pillow reads animations through libwebp's animation decoder, which starts from a fully
 * transparent black canvas (the background colour in {@code ANIM} is only a hint and is not
 * used) and copies the first frame onto it at its offset, without blending. Converted to RGB, the
 * canvas outside the first frame is therefore black.
 *
 * <p>Before any frame is decoded, libwebp's demultiplexer checks the structure of the whole file —
 * {@code ANIM} before the frames, no image chunk outside a frame, each frame with an image whose
 * header is sound and which fits on the canvas (the size in the image's own header counts, not the
 * one in {@code ANMF}) — and refuses the file otherwise; so does this class, so that a file Pillow
 * cannot open is not shown by its first frame.
 */
final class WebpAnimation {

    private WebpAnimation() {
    }

    /**
     * The image chunks of one frame (none if the frame has no image), where it goes on the canvas,
     * and where the chunks after it start.
     */
    private record Frame(int x, int y, int width, int height, WebpFile.Chunk image, WebpFile.Chunk alpha, int next) {
    }

    /** The first frame on its canvas, after checking the chunks from {@code at} to {@code end}. */
    static RgbImage firstFrame(Path file, byte[] data, int at, int end, int canvasWidth, int canvasHeight,
                               long maxPixels) {
        boolean animSeen = false;
        Frame first = null;
        while (at < end) {
            WebpFile.Chunk c = WebpFile.chunkAt(file, data, at, end);
            switch (c.id()) {
                case "ANIM" -> {
                    if (c.size() < 6) {
                        throw corrupt(file, "the ANIM chunk is too short");
                    }
                    animSeen = true; // a second ANIM chunk is ignored
                }
                case "ANMF" -> {
                    if (!animSeen) {
                        throw corrupt(file, "an animation frame before the ANIM chunk");
                    }
                    Frame f = frame(file, data, c, end, canvasWidth, canvasHeight);
                    if (first == null && f.image() != null) {
                        first = f;
                    }
                    at = f.next();
                    continue;
                }
                case "ALPH", "VP8 ", "VP8L" -> throw corrupt(file, "an image chunk outside the frames of an animation");
                default -> {
                    // metadata and unknown chunks
                }
            }
            at = WebpFile.next(c);
        }
        if (first == null) {
            throw new ImageFileException(file, "animated WebP file without a frame");
        }
        return onCanvas(file, data, first, canvasWidth, canvasHeight, maxPixels);
    }

    /**
     * Reads and checks one {@code ANMF} chunk without decoding its image. As in libwebp, the image
     * chunks are those that follow the 16-byte frame header — an {@code ALPH} chunk, then
     * {@code VP8 } or {@code VP8L} — and reading resumes after them: a frame whose image chunk is
     * missing is skipped (its other chunks are then read as if they stood outside the frame), but
     * one with alpha and no image makes the file unusable.
     */
    private static Frame frame(Path file, byte[] data, WebpFile.Chunk anmf, int end, int canvasWidth, int canvasHeight) {
        if (anmf.size() < 16) {
            throw corrupt(file, "an ANMF chunk of " + anmf.size() + " bytes");
        }
        int s = anmf.start();
        int x = 2 * WebpFile.le24(data, s);
        int y = 2 * WebpFile.le24(data, s + 3);
        long declaredWidth = WebpFile.le24(data, s + 6) + 1L;
        long declaredHeight = WebpFile.le24(data, s + 9) + 1L;
        if (declaredWidth * declaredHeight >= 1L << 32) {
            throw corrupt(file, "an animation frame of " + declaredWidth + "x" + declaredHeight + " pixels");
        }
        int at = s + 16;
        WebpFile.Chunk alpha = null;
        WebpFile.Chunk image = null;
        while (at < end && image == null) {
            WebpFile.Chunk c = WebpFile.chunkAt(file, data, at, end);
            if (c.id().equals("ALPH") && alpha == null) {
                alpha = c;
            } else if (c.id().equals("VP8 ") || c.id().equals("VP8L")) {
                if (c.id().equals("VP8L") && alpha != null) {
                    throw corrupt(file, "an animation frame with both an ALPH and a VP8L chunk");
                }
                image = c;
            } else {
                break;
            }
            at = WebpFile.next(c);
        }
        if (at - (s + 16) > anmf.size() + (anmf.size() & 1) - 16) {
            throw corrupt(file, "the image of an animation frame extends past its ANMF chunk");
        }
        if (image == null) {
            if (alpha != null) {
                throw corrupt(file, "an animation frame with alpha but no image");
            }
            return new Frame(x, y, 0, 0, null, null, at);
        }
        int[] size = image.id().equals("VP8L")
                ? WebpLossless.size(file, data, image.start(), image.size())
                : Vp8FrameHeader.size(file, data, image.start(), image.size());
        int width = size[0];
        int height = size[1];
        if ((long) x + width > canvasWidth || (long) y + height > canvasHeight) {
            throw corrupt(file, "a " + width + "x" + height + " frame at (" + x + ", " + y + ") does not fit the "
                    + canvasWidth + "x" + canvasHeight + " canvas");
        }
        return new Frame(x, y, width, height, image, alpha, at);
    }

    /** Decodes the frame and copies it onto a black canvas at its offset. */
    private static RgbImage onCanvas(Path file, byte[] data, Frame f, int canvasWidth, int canvasHeight,
                                     long maxPixels) {
        RgbImage image = f.image().id().equals("VP8L")
                ? WebpLossless.decode(file, data, f.image().start(), f.image().size(), maxPixels)
                : WebpFile.lossy(file, data, f.image(), f.alpha(), maxPixels);
        int width = f.width();
        byte[] canvas = new byte[canvasWidth * canvasHeight * 3];
        for (int row = 0; row < f.height(); row++) {
            System.arraycopy(image.rgb(), row * width * 3, canvas, ((f.y() + row) * canvasWidth + f.x()) * 3, width * 3);
        }
        return new RgbImage(canvasWidth, canvasHeight, canvas);
    }

    private static ImageFileException corrupt(Path file, String what) {
        return new ImageFileException(file, "corrupt WebP animation: " + what);
    }
}
