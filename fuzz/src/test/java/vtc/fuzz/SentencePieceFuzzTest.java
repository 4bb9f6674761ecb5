package vtc.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import vtc.fixtures.Fixtures;
import vtc.loaders.tokenizer.Tokenizer;
import vtc.loaders.tokenizer.Tokenizers;

/**
 * {@code tokenizer.model}: the SentencePiece protobuf reader and the BPE built on it. A model that
 * loads must also encode and decode the fixture prompt and drive a short generation of the fixture
 * model within a time bound (an empty user-defined piece used to load and then loop forever).
 */
class SentencePieceFuzzTest {

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
    void tokenizerModel(byte[] file) {
        MODEL.write("tokenizer.model", file);
        LoadContract.loadsOrRefusesByName(() -> ShortGeneration.bounded(() -> {
            Tokenizer tokenizer = Tokenizers.loadSentencePiece(MODEL.path());
            TokenizerUse.roundTrip(tokenizer);
            ShortGeneration.withTokenizer(tokenizer);
        }));
    }
}
