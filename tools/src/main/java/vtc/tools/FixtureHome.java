package vtc.tools;

import java.nio.file.Files;
import java.nio.file.Path;
import vtc.loaders.LoadException;

/**
 * Finds the embedded tiny model: {@code $vtc.home/test-fixtures/tiny-llava} (the launcher sets
 * {@code vtc.home} to the repository root), else a {@code test-fixtures/} folder at or above the
 * working directory.
 */
final class FixtureHome {

    static final String TINY_LLAVA = "tiny-llava";

    private FixtureHome() {
    }

    static Path tinyLlava() {
        String home = System.getProperty("vtc.home");
        if (home != null) {
            Path candidate = Path.of(home, "test-fixtures", TINY_LLAVA);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("test-fixtures").resolve(TINY_LLAVA);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
            if (dir.getFileName() != null && dir.getFileName().toString().equals("test-fixtures")
                    && Files.isDirectory(dir.resolve(TINY_LLAVA))) {
                return dir.resolve(TINY_LLAVA);
            }
        }
        throw new LoadException(null, "cannot find test-fixtures/" + TINY_LLAVA + " (looked in $vtc.home = " + home
                + " and above " + Path.of("").toAbsolutePath() + "); run vtc from the repository");
    }
}
