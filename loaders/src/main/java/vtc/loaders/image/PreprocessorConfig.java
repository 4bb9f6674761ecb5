package vtc.loaders.image;

import com.google.gson.JsonElement;
import java.nio.file.Path;
import java.util.Set;
import vtc.loaders.json.JsonFields;
import vtc.loaders.json.JsonFile;

/**
 * The fields of a Hugging Face {@code preprocessor_config.json} (CLIPImageProcessor) that the pipeline uses.
 * Missing fields take CLIPImageProcessor's defaults (shortest edge 224, crop 224, bicubic, OpenAI CLIP mean/std,
 * rescale 1/255, every {@code do_*} true). Settings the engine cannot honour are refused rather than ignored:
 * another resampling filter, {@code do_resize} or {@code do_center_crop} false (the vision tower needs exactly a
 * square of its image size), a non-square crop, or a crop larger than the resized short side.
 * {@code do_convert_rgb} is accepted either way: images are always brought to RGB, which is all a CLIP tower takes.
 *
 * @param shortestEdge  the short side after resizing ({@code size.shortest_edge})
 * @param cropSize      S, the side of the centre crop the model sees ({@code crop_size})
 * @param imageMean     per-channel mean, R G B
 * @param imageStd      per-channel standard deviation, R G B
 * @param rescaleFactor the factor from 0..255 to 0..1 ({@code rescale_factor})
 * @param doRescale     whether to multiply by {@code rescaleFactor}
 * @param doNormalize   whether to subtract the mean and divide by the std
 */
public record PreprocessorConfig(int shortestEdge, int cropSize, double[] imageMean, double[] imageStd,
                                 double rescaleFactor, boolean doRescale, boolean doNormalize) {

    /** Pillow's code for BICUBIC, the only {@code resample} value supported. */
    public static final int RESAMPLE_BICUBIC = 3;
    private static final double[] CLIP_MEAN = {0.48145466, 0.4578275, 0.40821073};
    private static final double[] CLIP_STD = {0.26862954, 0.26130258, 0.27577711};
    /**
     * The longest side the preprocessor resizes to: 8192 pixels (67 M pixels square), far above any
     * CLIP tower (224 or 336) and below sizes whose resize alone would need gigabytes.
     */
    private static final int MAX_SIDE = 8192;
    /** The largest magnitude a normalized pixel may reach (real configs: about ±3). */
    private static final double MAX_NORMALIZED = 1e6;
    private static final Set<String> PROCESSOR_TYPES = Set.of("CLIPImageProcessor", "CLIPImageProcessorFast");

    public PreprocessorConfig {
        imageMean = imageMean.clone();
        imageStd = imageStd.clone();
    }

    /** Reads and checks a {@code preprocessor_config.json}. */
    public static PreprocessorConfig read(Path file) {
        return new Fields(JsonFile.readObject(file, PreprocessorConfigException::new)).config();
    }

    /** The RGB colour of the square canvas in pad mode: {@code (int)(mean × 255)} per channel, as LLaVA does. */
    public int[] padColor() {
        int[] color = new int[3];
        for (int c = 0; c < 3; c++) {
            color[c] = (int) (imageMean[c] * 255);
        }
        return color;
    }

    /** One config object being read; every error names its field. */
    private record Fields(JsonFields json) {

        PreprocessorConfig config() {
            String type = json.string("image_processor_type", null);
            if (type != null && !PROCESSOR_TYPES.contains(type)) {
                throw json.error("image_processor_type", "is " + type + "; only CLIPImageProcessor is supported");
            }
            if (json.number("resample", RESAMPLE_BICUBIC) != RESAMPLE_BICUBIC) {
                throw json.error("resample", "is " + json.raw("resample") + "; only 3 (bicubic) is supported");
            }
            requireTrue("do_resize");
            requireTrue("do_center_crop");
            json.bool("do_convert_rgb", true);
            int shortestEdge = shortestEdge();
            int crop = cropSize();
            if (crop > shortestEdge) {
                throw json.error("crop_size", "is " + crop + ", larger than size.shortest_edge " + shortestEdge);
            }
            double[] mean = triple("image_mean", CLIP_MEAN);
            double[] std = triple("image_std", CLIP_STD);
            double rescale = json.number("rescale_factor", 1 / 255.0);
            if (!(rescale > 0)) {
                throw json.error("rescale_factor", "must be positive, got " + rescale);
            }
            boolean doRescale = json.bool("do_rescale", true);
            boolean doNormalize = json.bool("do_normalize", true);
            checkNormalizedRange(mean, std, doRescale ? rescale : 1, doNormalize);
            return new PreprocessorConfig(shortestEdge, crop, mean, std, rescale, doRescale, doNormalize);
        }

        /**
         * A pixel becomes (v × rescale − mean) / std for v in 0..255; with a std of 1e-300 or a mean of
         * 1e300 that is infinite or meaningless in float, and the model would answer from NaNs. The
         * bound: every normalized value must stay within ±1e6 (real configs give about ±3).
         */
        private void checkNormalizedRange(double[] mean, double[] std, double rescale, boolean normalize) {
            for (int c = 0; c < 3; c++) {
                if (!(std[c] > 0)) {
                    throw json.error("image_std", "must be positive, got " + std[c]);
                }
                double low = normalize ? (0 - mean[c]) / std[c] : 0;
                double high = normalize ? (255 * rescale - mean[c]) / std[c] : 255 * rescale;
                if (!(Math.abs(low) <= MAX_NORMALIZED) || !(Math.abs(high) <= MAX_NORMALIZED)) {
                    throw json.error((normalize ? "image_std[" + c + "] " + std[c] + " with image_mean[" + c + "] "
                            + mean[c] + " and " : "") + "rescale_factor " + rescale, "maps pixels to [" + (float) low
                            + ", " + (float) high + "], beyond ±" + (long) MAX_NORMALIZED
                            + "; the vision tower would compute on meaningless values");
                }
            }
        }

        private int shortestEdge() {
            JsonElement size = json.raw("size");
            if (size == null) {
                return 224;
            }
            if (size.isJsonPrimitive()) {
                return side("size", size);
            }
            if (size.isJsonObject() && size.getAsJsonObject().has("shortest_edge")) {
                return side("size.shortest_edge", size.getAsJsonObject().get("shortest_edge"));
            }
            throw json.error("size", "must give shortest_edge (resizing to a fixed height × width is not supported)");
        }

        private int cropSize() {
            JsonElement crop = json.raw("crop_size");
            if (crop == null) {
                return 224;
            }
            if (crop.isJsonPrimitive()) {
                return side("crop_size", crop);
            }
            if (!crop.isJsonObject()) {
                throw json.error("crop_size", "must be a number or {\"height\", \"width\"}");
            }
            JsonFields hw = json.object("crop_size");
            int height = side("crop_size.height", hw.raw("height"));
            int width = side("crop_size.width", hw.raw("width"));
            if (height != width) {
                throw json.error("crop_size", "is " + width + "x" + height + "; the vision tower needs a square crop");
            }
            return height;
        }

        private double[] triple(String field, double[] fallback) {
            JsonElement e = json.raw(field);
            if (e == null) {
                return fallback.clone();
            }
            if (e.isJsonPrimitive()) {
                double v = json.numberAt(field, e);
                return new double[] {v, v, v};
            }
            if (!e.isJsonArray() || e.getAsJsonArray().size() != 3) {
                throw json.error(field, "must be a list of 3 numbers (R, G, B), got " + JsonFields.shortText(e));
            }
            double[] out = new double[3];
            for (int c = 0; c < 3; c++) {
                out[c] = json.numberAt(field + "[" + c + "]", e.getAsJsonArray().get(c));
            }
            return out;
        }

        private void requireTrue(String field) {
            if (!json.bool(field, true)) {
                throw json.error(field, "is false; the vision tower needs the resized, centre-cropped square, so it must be true");
            }
        }

        /** A side length in pixels: a positive integer no larger than any image the engine resizes to. */
        private int side(String where, JsonElement e) {
            int v = e == null ? 0 : json.integerAt(where, e);
            if (v <= 0 || v > MAX_SIDE) {
                throw json.error(where, "must be a positive integer of at most " + MAX_SIDE + " pixels, got "
                        + JsonFields.shortText(e));
            }
            return v;
        }
    }
}
