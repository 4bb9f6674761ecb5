package vtc.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import vtc.loaders.tokenizer.StreamingDecoder;
import vtc.loaders.tokenizer.Tokenizer;

/**
 * What a loaded tokenizer must survive whatever file it came from or text it is given: encoding
 * yields ids inside its vocabulary, and decoding those ids works, the same whether the ids come
 * all at once or one by one as in generation.
 */
final class TokenizerUse {

    /** The prompt of both fixtures' goldens. */
    static final String FIXTURE_PROMPT = "USER: <image>\nWhat is in the picture? ASSISTANT:";

    private TokenizerUse() {
    }

    static void roundTrip(Tokenizer tokenizer) {
        roundTrip(tokenizer, FIXTURE_PROMPT);
    }

    static void roundTrip(Tokenizer tokenizer, String text) {
        int[] ids = tokenizer.encode(text);
        for (int id : ids) {
            assertTrue(id >= 0 && id < tokenizer.vocabSize(), () -> "id " + id + " outside the vocabulary of "
                    + tokenizer.vocabSize() + " for \"" + text + "\"");
        }
        tokenizer.decode(ids, false);
        String whole = tokenizer.decode(ids, true);
        StreamingDecoder stream = tokenizer.streamingDecoder(true);
        StringBuilder pieces = new StringBuilder();
        for (int id : ids) {
            pieces.append(stream.push(id));
        }
        pieces.append(stream.flush());
        assertEquals(whole, pieces.toString(), () -> "streamed decode differs for \"" + text + "\"");
    }
}
