package vtc.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import vtc.fixtures.Fixtures;
import vtc.loaders.tokenizer.Tokenizers;

/**
 * {@code tokenizer.json} (Hugging Face fast tokenizer), next to the fixture's real
 * {@code tokenizer_config.json} and {@code special_tokens_map.json}. A file that loads must also
 * encode and decode the fixture prompt: a vocabulary can parse and still break at use.
 */
class TokenizerJsonFuzzTest {

    private static final ScratchDirectory MODEL = ScratchDirectory.withFixtureFiles(Fixtures.TINY_LLAVA,
            "tokenizer_config.json", "special_tokens_map.json");

    @AfterAll
    static void removeScratch() {
        MODEL.close();
    }

    @FuzzTest(maxDuration = "5s")
    void tokenizerJson(byte[] file) {
        MODEL.write("tokenizer.json", file);
        LoadContract.loadsOrRefusesByName(() -> TokenizerUse.roundTrip(Tokenizers.loadTokenizerJson(MODEL.path())));
    }
}
