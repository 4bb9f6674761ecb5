package vtc.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import vtc.fixtures.Fixtures;

/**
 * A private model directory for one fuzz target: fixture files the target does not fuzz are copied
 * in once, and each input is written over the one file under test. Inputs go through real files
 * because the loaders' contract is about files (mapping, names in error messages).
 */
final class ScratchDirectory implements AutoCloseable {

    private final Path dir;

    private ScratchDirectory(Path dir) {
        this.dir = dir;
    }

    /** A new directory holding copies of {@code files} from fixture {@code fixture}. */
    static ScratchDirectory withFixtureFiles(String fixture, String... files) {
        try {
            ScratchDirectory scratch = new ScratchDirectory(Files.createTempDirectory("vtc-fuzz-"));
            for (String file : files) {
                Files.copy(Fixtures.model(fixture).resolve(file), scratch.dir.resolve(file),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            return scratch;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path path() {
        return dir;
    }

    /** Writes {@code bytes} as {@code name} in the directory and returns its path. */
    Path write(String name, byte[] bytes) {
        try {
            return Files.write(dir.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
