package vtc.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import vtc.fixtures.Fixtures;
import vtc.loaders.tokenizer.Tokenizer;
import vtc.loaders.tokenizer.Tokenizers;

/**
 * {@code tokenizer.json} (Hugging Face fast tokenizer), next to the fixture's real
 * {@code tokenizer_config.json} and {@code special_tokens_map.json}. A file that loads must also
 * encode and decode the fixture prompt, and drive a short generation of the fixture model within a time
 * bound (an endless loop in encoding used to pass: the loading alone was checked): a vocabulary can parse and still break at use.
 */
class TokenizerJsonFuzzTest {

    private static final ScratchDirectory MODEL = ScratchDirectory.withFixtureFiles(Fixtures.TINY_LLAVA,
            "tokenizer_config.json", "special_tokens_map.json");

    @BeforeAll
    static void warmUp() {
        ShortGeneration.warmUp();
    }

    @AfterAll
    static void removeScratch() {
        MODEL.close();
    }

    @FuzzTest(maxDuration = "5s")
    void tokenizerJson(byte[] file) {
        MODEL.write("tokenizer.json", file);
        LoadContract.loadsOrRefusesByName(() -> ShortGeneration.bounded(() -> {
            Tokenizer tokenizer = Tokenizers.loadTokenizerJson(MODEL.path());
            TokenizerUse.roundTrip(tokenizer);
            ShortGeneration.withTokenizer(tokenizer);
        }));
    }
}
