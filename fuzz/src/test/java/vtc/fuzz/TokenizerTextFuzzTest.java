package vtc.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import vtc.fixtures.Fixtures;
import vtc.loaders.tokenizer.Tokenizer;
import vtc.loaders.tokenizer.Tokenizers;

/**
 * Any text a user types, through both fixture tokenizers ({@code tokenizer.json} and
 * {@code tokenizer.model}): no exception at all may escape, because a prompt is not a file that
 * can be refused. Seeds: the golden tokenizer test texts.
 */
class TokenizerTextFuzzTest {

    private static final Tokenizer FAST = Tokenizers.loadTokenizerJson(Fixtures.model(Fixtures.TINY_LLAVA));
    private static final Tokenizer SENTENCE_PIECE = Tokenizers.loadSentencePiece(Fixtures.model(Fixtures.TINY_LLAVA));

    @FuzzTest(maxDuration = "5s")
    void text(byte[] utf8) {
        // Malformed UTF-8 becomes U+FFFD, as text decoded from a request body would.
        String text = new String(utf8, StandardCharsets.UTF_8);
        TokenizerUse.roundTrip(FAST, text);
        TokenizerUse.roundTrip(SENTENCE_PIECE, text);
    }
}
