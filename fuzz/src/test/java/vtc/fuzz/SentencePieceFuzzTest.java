package vtc.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import vtc.fixtures.Fixtures;
import vtc.loaders.tokenizer.Tokenizers;

/**
 * {@code tokenizer.model}: the SentencePiece protobuf reader and the BPE built on it. A model that
 * loads must also encode and decode the fixture prompt.
 */
class SentencePieceFuzzTest {

    private static final ScratchDirectory MODEL = ScratchDirectory.withFixtureFiles(Fixtures.TINY_LLAVA,
            "tokenizer_config.json", "special_tokens_map.json");

    @AfterAll
    static void removeScratch() {
        MODEL.close();
    }

    @FuzzTest(maxDuration = "5s")
    void tokenizerModel(byte[] file) {
        MODEL.write("tokenizer.model", file);
        LoadContract.loadsOrRefusesByName(() -> TokenizerUse.roundTrip(Tokenizers.loadSentencePiece(MODEL.path())));
    }
}
