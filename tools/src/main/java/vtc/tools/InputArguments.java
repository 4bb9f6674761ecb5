package vtc.tools;

import java.nio.file.Path;
import vtc.api.Llava;
import vtc.loaders.image.ImageFiles;
import vtc.loaders.image.PreprocessMode;
import vtc.loaders.image.RgbImage;

/**
 * {@code --image FILE} and {@code --prompt TEXT} as a user writes them, with the mistakes a new
 * user makes caught before any work: an image URL (the engine never downloads), and an
 * {@code <image>} placeholder in a question the template wraps anyway.
 */
final class InputArguments {

    private InputArguments() {
    }

    /** {@code --image}: a local file; a URL is refused with what to do instead. */
    static Path image(String value, String command) {
        if (ModelLocation.looksLikeUrl(value)) {
            throw new UsageException(command + ": --image " + value + " is a URL; vtc never downloads anything. Download"
                    + " the image first (e.g. curl -L -o image.jpg '" + value + "') and pass the file");
        }
        return Path.of(value);
    }

    /** The flag that turns images upright by their EXIF orientation; every command with --image takes it. */
    static final String EXIF_TRANSPOSE = "exif-transpose";

    /**
     * The decoded image: as stored (like the original LLaVA), or with {@code --exif-transpose}
     * turned upright by its EXIF orientation as transformers' {@code load_image} does.
     */
    static RgbImage picture(Path image, CommandLine line) {
        return line.flag(EXIF_TRANSPOSE) ? ImageFiles.readUpright(image) : ImageFiles.read(image);
    }

    /**
     * A request for {@code image}: the library reads the file itself unless {@code --exif-transpose}
     * asks for the upright picture, which is then decoded and preprocessed here.
     *
     * @param mode pad or crop, or null for the checkpoint's default
     */
    static Llava.Request request(Llava llava, Path image, String question, PreprocessMode mode, CommandLine line) {
        if (!line.flag(EXIF_TRANSPOSE)) {
            return Llava.Request.of(image, question).withPreprocess(mode);
        }
        return Llava.Request.of(llava.preprocessor().preprocess(picture(image, line),
                mode == null ? llava.defaultPreprocess() : mode), question);
    }

    /**
     * {@code --prompt}: the question alone. The chat templates put the image placeholder in front
     * of it themselves, so a second {@code <image>} written by the user is refused here with the
     * way to write the whole prompt by hand, instead of an error about token positions later.
     */
    static String question(String prompt, String template, String command) {
        if (prompt.contains("<image>") && !template.equals("raw")) {
            throw new UsageException(command + ": --prompt contains <image>, but the " + template + " template already"
                    + " places the image before the question: write only the question (e.g. --prompt \"What is in the"
                    + " picture?\"). To write the whole prompt yourself, <image> included, use --template raw");
        }
        return prompt;
    }
}
