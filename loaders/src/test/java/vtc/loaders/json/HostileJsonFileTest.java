package vtc.loaders.json;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vtc.fixtures.Fixtures;
import vtc.fixtures.Golden;
import vtc.loaders.LoadException;
import vtc.loaders.config.ConfigException;
import vtc.loaders.config.LlavaConfigLoader;
import vtc.loaders.image.PreprocessorConfig;
import vtc.loaders.image.PreprocessorConfigException;
import vtc.loaders.tokenizer.Tokenizers;

/**
 * The JSON files of a model directory as a hostile or careless user hands them over: not a file at
 * all, endless, huge, with a BOM or comments. Each loader refuses them at once, naming the file.
 */
class HostileJsonFileTest {

    private static final Path FIXTURE = Golden.of(Fixtures.TINY_LLAVA).modelDir();
    private static final Duration BOUND = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    /** The three kinds of JSON file and how each is loaded from {@code dir}. */
    private record Kind(String name, Class<? extends LoadException> error, Consumer<Path> load) {
    }

    private static final List<Kind> KINDS = List.of(
            new Kind("config.json", ConfigException.class, LlavaConfigLoader::load),
            new Kind("preprocessor_config.json", PreprocessorConfigException.class,
                    d -> PreprocessorConfig.read(d.resolve("preprocessor_config.json"))),
            new Kind("tokenizer.json", LoadException.class, Tokenizers::loadTokenizerJson),
            new Kind("tokenizer_config.json", LoadException.class, Tokenizers::loadTokenizerJson));

    /** A FIFO used to block the load forever (nothing ever writes to it). */
    @Test
    void fifoIsRefusedWithoutBlocking() throws Exception {
        for (Kind kind : KINDS) {
            Path fifo = freshDirWithFixture(kind).resolve(kind.name());
            Files.delete(fifo);
            Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
            assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo");
            expectRefused(kind, fifo.getParent(), "not a regular file");
        }
    }

    /** A link to /dev/zero used to read until the heap ran out. */
    @Test
    void linkToAnEndlessDeviceIsRefused() throws IOException {
        for (Kind kind : KINDS) {
            Path file = freshDirWithFixture(kind).resolve(kind.name());
            Files.delete(file);
            Files.createSymbolicLink(file, Path.of("/dev/zero"));
            expectRefused(kind, file.getParent(), "not a regular file");
        }
    }

    /** A sparse file of 1 GB: refused from its size, before a byte is read. */
    @Test
    void hugeFileIsRefusedFromItsSize() throws IOException {
        for (Kind kind : KINDS) {
            Path file = freshDirWithFixture(kind).resolve(kind.name());
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.setLength(1L << 30);
            }
            expectRefused(kind, file.getParent(), "more than the 64 MiB");
        }
    }

    /** Python's json.loads refuses a BOM ("Unexpected UTF-8 BOM"), and so does serde_json. */
    @Test
    void byteOrderMarkIsRefusedAsTheReferenceDoes() throws IOException {
        for (Kind kind : KINDS) {
            Path file = freshDirWithFixture(kind).resolve(kind.name());
            byte[] text = Files.readAllBytes(file);
            byte[] withBom = new byte[text.length + 3];
            withBom[0] = (byte) 0xEF;
            withBom[1] = (byte) 0xBB;
            withBom[2] = (byte) 0xBF;
            System.arraycopy(text, 0, withBom, 3, text.length);
            Files.write(file, withBom);
            expectRefused(kind, file.getParent(), "byte order mark");
        }
    }

    /** Comments are not JSON: the reference parsers refuse them, and our message gives no parser advice. */
    @Test
    void commentsAreRefusedWithoutParserAdvice() throws IOException {
        for (Kind kind : KINDS) {
            Path file = freshDirWithFixture(kind).resolve(kind.name());
            String text = Files.readString(file);
            Files.writeString(file, "// a comment\n" + text);
            LoadException e = expectRefused(kind, file.getParent(), "not valid JSON");
            assertFalse(e.getMessage().contains("setStrictness") || e.getMessage().contains("lenient")
                    || e.getMessage().contains("https://"), e.getMessage());
            Files.writeString(file, text.replaceFirst("\\{", "{ /* comment */ "));
            expectRefused(kind, file.getParent(), "not valid JSON");
        }
    }

    @Test
    void nanAndTrailingCommasAreRefused() throws IOException {
        Path d = freshDirWithFixture(KINDS.get(0));
        Files.writeString(d.resolve("config.json"), "{\"model_type\": \"llava\", \"text_config\": {\"rms_norm_eps\": NaN}}");
        expectRefused(KINDS.get(0), d, "not valid JSON");
        Files.writeString(d.resolve("config.json"), "{\"model_type\": \"llava\",}");
        expectRefused(KINDS.get(0), d, "not valid JSON");
    }

    @Test
    void invalidUtf8IsRefused() throws IOException {
        Path d = freshDirWithFixture(KINDS.get(0));
        Files.write(d.resolve("config.json"), "{\"model_type\": \"ll\u00e1va\"}".getBytes(StandardCharsets.ISO_8859_1));
        expectRefused(KINDS.get(0), d, "not valid UTF-8");
    }

    private Path freshDirWithFixture(Kind kind) throws IOException {
        Path d = Files.createTempDirectory(dir, "model");
        for (String name : List.of("config.json", "preprocessor_config.json", "tokenizer.json",
                "tokenizer_config.json", "special_tokens_map.json")) {
            Files.copy(FIXTURE.resolve(name), d.resolve(name));
        }
        return d;
    }

    private static LoadException expectRefused(Kind kind, Path modelDir, String part) {
        LoadException e = assertTimeoutPreemptively(BOUND,
                () -> assertThrows(kind.error(), () -> kind.load().accept(modelDir)), kind.name());
        assertTrue(e.getMessage().contains(kind.name()) && e.getMessage().contains(part), e.getMessage());
        assertTrue(e.getMessage().length() < 400, e.getMessage());
        return e;
    }
}
