package vtc.loaders.image;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

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
    private static final Set<String> PROCESSOR_TYPES = Set.of("CLIPImageProcessor", "CLIPImageProcessorFast");

    public PreprocessorConfig {
        imageMean = imageMean.clone();
        imageStd = imageStd.clone();
    }

    /** Reads and checks a {@code preprocessor_config.json}. */
    public static PreprocessorConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new PreprocessorConfigException(file, "cannot read: " + e, e);
        }
        JsonElement root;
        try {
            root = JsonParser.parseString(text);
        } catch (JsonParseException e) {
            throw new PreprocessorConfigException(file, "not valid JSON: " + e.getMessage(), e);
        }
        if (!root.isJsonObject()) {
            throw new PreprocessorConfigException(file, "expected a JSON object at the top level");
        }
        return new Fields(file, root.getAsJsonObject()).config();
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
    private record Fields(Path file, JsonObject json) {

        PreprocessorConfig config() {
            String type = string("image_processor_type");
            if (type != null && !PROCESSOR_TYPES.contains(type)) {
                throw error("image_processor_type", "is " + type + "; only CLIPImageProcessor is supported");
            }
            if (number("resample", RESAMPLE_BICUBIC) != RESAMPLE_BICUBIC) {
                throw error("resample", "is " + json.get("resample") + "; only 3 (bicubic) is supported");
            }
            requireTrue("do_resize");
            requireTrue("do_center_crop");
            bool("do_convert_rgb", true);
            int shortestEdge = shortestEdge();
            int crop = cropSize();
            if (crop > shortestEdge) {
                throw error("crop_size", "is " + crop + ", larger than size.shortest_edge " + shortestEdge);
            }
            double[] mean = triple("image_mean", CLIP_MEAN);
            double[] std = triple("image_std", CLIP_STD);
            for (double s : std) {
                if (!(s > 0)) {
                    throw error("image_std", "must be positive, got " + s);
                }
            }
            double rescale = number("rescale_factor", 1 / 255.0);
            if (!(rescale > 0) || Double.isInfinite(rescale)) {
                throw error("rescale_factor", "must be positive, got " + rescale);
            }
            return new PreprocessorConfig(shortestEdge, crop, mean, std, rescale,
                    bool("do_rescale", true), bool("do_normalize", true));
        }

        private int shortestEdge() {
            JsonElement size = json.get("size");
            if (size == null || size.isJsonNull()) {
                return 224;
            }
            if (size.isJsonPrimitive()) {
                return positiveInt("size", size);
            }
            if (size.isJsonObject() && size.getAsJsonObject().has("shortest_edge")) {
                return positiveInt("size.shortest_edge", size.getAsJsonObject().get("shortest_edge"));
            }
            throw error("size", "must give shortest_edge (resizing to a fixed height × width is not supported)");
        }

        private int cropSize() {
            JsonElement crop = json.get("crop_size");
            if (crop == null || crop.isJsonNull()) {
                return 224;
            }
            if (crop.isJsonPrimitive()) {
                return positiveInt("crop_size", crop);
            }
            if (!crop.isJsonObject()) {
                throw error("crop_size", "must be a number or {\"height\", \"width\"}");
            }
            JsonObject hw = crop.getAsJsonObject();
            int height = positiveInt("crop_size.height", hw.get("height"));
            int width = positiveInt("crop_size.width", hw.get("width"));
            if (height != width) {
                throw error("crop_size", "is " + width + "x" + height + "; the vision tower needs a square crop");
            }
            return height;
        }

        private double[] triple(String field, double[] fallback) {
            JsonElement e = json.get(field);
            if (e == null || e.isJsonNull()) {
                return fallback.clone();
            }
            if (e.isJsonPrimitive()) {
                double v = number(field, e);
                return new double[] {v, v, v};
            }
            if (!e.isJsonArray() || e.getAsJsonArray().size() != 3) {
                throw error(field, "must be a list of 3 numbers (R, G, B), got " + e);
            }
            double[] out = new double[3];
            for (int c = 0; c < 3; c++) {
                out[c] = number(field + "[" + c + "]", e.getAsJsonArray().get(c));
            }
            return out;
        }

        private void requireTrue(String field) {
            if (!bool(field, true)) {
                throw error(field, "is false; the vision tower needs the resized, centre-cropped square, so it must be true");
            }
        }

        private boolean bool(String field, boolean fallback) {
            JsonElement e = json.get(field);
            if (e == null || e.isJsonNull()) {
                return fallback;
            }
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
                throw error(field, "must be true or false, got " + e);
            }
            return e.getAsBoolean();
        }

        private String string(String field) {
            JsonElement e = json.get(field);
            if (e == null || e.isJsonNull()) {
                return null;
            }
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                throw error(field, "must be a string, got " + e);
            }
            return e.getAsString();
        }

        private double number(String field, double fallback) {
            JsonElement e = json.get(field);
            return e == null || e.isJsonNull() ? fallback : number(field, e);
        }

        private double number(String field, JsonElement e) {
            if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
                throw error(field, "must be a number, got " + e);
            }
            double v = e.getAsDouble();
            if (!Double.isFinite(v)) {
                throw error(field, "must be finite, got " + e);
            }
            return v;
        }

        private int positiveInt(String field, JsonElement e) {
            if (e == null || !e.isJsonPrimitive() || !((JsonPrimitive) e).isNumber()) {
                throw error(field, "must be a positive integer, got " + e);
            }
            BigDecimal v = e.getAsBigDecimal();
            if (v.signum() <= 0 || v.stripTrailingZeros().scale() > 0 || v.compareTo(BigDecimal.valueOf(1 << 16)) > 0) {
                throw error(field, "must be a positive integer of at most 65536, got " + e);
            }
            return v.intValueExact();
        }

        private PreprocessorConfigException error(String field, String message) {
            return new PreprocessorConfigException(file, field + " " + message);
        }
    }
}
