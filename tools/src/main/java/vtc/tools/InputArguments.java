package vtc.tools;

import java.nio.file.Path;

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
