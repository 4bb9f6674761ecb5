package vtc.loaders.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import org.junit.jupiter.api.Test;
import vtc.fixtures.Fixtures;
import vtc.fixtures.Golden;

/**
 * A long input built from all golden texts: the two independent BPE implementations (merge ranks
 * of tokenizer.json, piece scores of tokenizer.model) must agree on every id, and decoding must
 * give the text back.
 */
class LongTextTest {

    @Test
    void bothFormatsAgreeAndRoundTripOnALongText() {
        Golden golden = Golden.of(Fixtures.TINY_LLAVA);
        Tokenizer json = Tokenizers.loadTokenizerJson(golden.modelDir());
        Tokenizer model = Tokenizers.loadSentencePiece(golden.modelDir());
        StringBuilder text = new StringBuilder();
        int pieces = 0;
        for (int repeat = 0; repeat < 40; repeat++) {
            for (JsonElement e : golden.at("tokenizer_tests").getAsJsonArray()) {
                String t = e.getAsJsonObject().get("text").getAsString();
                if (!t.isEmpty() && !t.contains("<") && !t.contains(" ") && !t.contains("▁")) {
                    // texts without added tokens or leading spaces, so decoding must restore them exactly
                    text.append(t).append('\n');
                    pieces++;
                }
            }
        }
        String s = text.toString();
        int[] ids = json.encode(s);
        assertArrayEquals(ids, model.encode(s));
        assertEquals(s, json.decode(ids, true));
        assertEquals(s, model.decode(ids, true));
        assertEquals(true, pieces > 200 && ids.length > 2000, "long input: " + ids.length + " ids");
    }
}
