package vtc.loaders.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.gson.JsonElement;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vtc.fixtures.Fixtures;
import vtc.fixtures.Golden;

/** Decoding one id at a time gives the same text as decoding all ids, and never half a character. */
class StreamingDecoderTest {

    private static final Golden GOLDEN = Golden.of(Fixtures.TINY_LLAVA);

    @ParameterizedTest
    @ValueSource(strings = {"json", "model"})
    void pushesConcatenateToTheFullDecodeForEveryGoldenIdList(String format) {
        Tokenizer tokenizer = format.equals("json") ? Tokenizers.loadTokenizerJson(GOLDEN.modelDir())
                : Tokenizers.loadSentencePiece(GOLDEN.modelDir());
        List<int[]> idLists = new ArrayList<>();
        for (String key : List.of("tokenizer_tests", "decode_tests")) {
            for (JsonElement e : GOLDEN.at(key).getAsJsonArray()) {
                idLists.add(GoldenTokenizerTest.ints(e.getAsJsonObject(), "ids"));
            }
        }
        for (int[] ids : idLists) {
            for (boolean skip : new boolean[] {true, false}) {
                StreamingDecoder stream = tokenizer.streamingDecoder(skip);
                StringBuilder text = new StringBuilder();
                for (int id : ids) {
                    text.append(wholeCharacters(stream.push(id)));
                }
                text.append(wholeCharacters(stream.flush()));
                assertEquals(tokenizer.decode(ids, skip), text.toString());
            }
        }
    }

    @Test
    void aByteRunIsHeldBackUntilItEnds() {
        Tokenizer tokenizer = Tokenizers.loadTokenizerJson(GOLDEN.modelDir());
        // golden tokenizer test "emoji 😀🎉 party": ▁e m o j i ▁ <0xF0> <0x9F> <0x98> <0x80> <0xF0> … ▁p
        StreamingDecoder stream = tokenizer.streamingDecoder(true);
        assertEquals("e", stream.push(342)); // "▁e": the decoder's Strip removes the leading space
        assertEquals(" ", stream.push(410));
        for (int id : new int[] {243, 162, 155, 131, 243, 162, 145}) {
            assertEquals("", stream.push(id));
        }
        assertEquals("", stream.push(140));
        assertEquals("😀🎉 p", stream.push(279));
        assertEquals("", stream.flush());
    }

    @Test
    void anInvalidByteRunBecomesOneReplacementPerByteAtItsEnd() {
        Tokenizer tokenizer = Tokenizers.loadTokenizerJson(GOLDEN.modelDir());
        // decode_tests[0] ends in <0x9E> <0x10>: not UTF-8 as a run, so two U+FFFD (Hugging Face rule)
        StreamingDecoder stream = tokenizer.streamingDecoder(true);
        assertEquals("", stream.push(161));
        assertEquals("", stream.push(19));
        assertEquals("\uFFFD\uFFFD", stream.flush());
    }

    /** The chunk unchanged, after checking it has no lone surrogate (so it is whole code points). */
    private static String wholeCharacters(String chunk) {
        String roundTrip = new String(chunk.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        assertEquals(chunk, roundTrip, "chunk has a lone surrogate");
        if (!chunk.isEmpty()) {
            assertFalse(Character.isHighSurrogate(chunk.charAt(chunk.length() - 1)));
        }
        return chunk;
    }
}
