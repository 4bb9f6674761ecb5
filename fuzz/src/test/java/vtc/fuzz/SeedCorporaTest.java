package vtc.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed seed corpora are the ones {@link SeedCorpora} builds from the fixtures, so a fuzz
 * target never silently starts from nothing. Regenerate them after a fixture change with
 * {@code -Dvtc.fuzz.writeSeeds=true -Dtest=SeedCorporaTest}.
 */
class SeedCorporaTest {

    private static final Path RESOURCES = Path.of("src/test/resources");

    @Test
    void committedSeedsAreBuiltFromTheFixtures(@TempDir Path scratch) throws IOException {
        for (Map.Entry<String, Map<String, byte[]>> target : SeedCorpora.build(scratch).entrySet()) {
            for (Map.Entry<String, byte[]> seed : target.getValue().entrySet()) {
                Path committed = RESOURCES.resolve(target.getKey()).resolve(seed.getKey());
                assertTrue(Files.isRegularFile(committed), "missing seed " + committed);
                assertArrayEquals(seed.getValue(), Files.readAllBytes(committed), "seed " + committed
                        + " differs from what the fixtures give; regenerate with -Dvtc.fuzz.writeSeeds=true");
            }
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "vtc.fuzz.writeSeeds", matches = "true")
    void writeSeeds(@TempDir Path scratch) throws IOException {
        for (Map.Entry<String, Map<String, byte[]>> target : SeedCorpora.build(scratch).entrySet()) {
            Path dir = Files.createDirectories(RESOURCES.resolve(target.getKey()));
            for (Map.Entry<String, byte[]> seed : target.getValue().entrySet()) {
                Files.write(dir.resolve(seed.getKey()), seed.getValue());
            }
        }
    }
}
