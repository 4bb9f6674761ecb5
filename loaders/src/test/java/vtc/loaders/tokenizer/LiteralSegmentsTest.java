package vtc.loaders.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import vtc.fixtures.Fixtures;

/** {@link Tokenizer#encode(List, int)}: added tokens match in markup only; boundaries cut nothing else. */
class LiteralSegmentsTest {

    private final Tokenizer tokenizer = Tokenizers.load(Fixtures.model(Fixtures.TINY_LLAVA));

    @Test
    void withoutAddedTokensInLiteralTextTheIdsAreThoseOfTheWholeText() {
        List<Tokenizer.Segment> segments = List.of(new Tokenizer.Segment("USER: <image>\n", false),
                new Tokenizer.Segment("What is in the picture?", true), new Tokenizer.Segment(" ASSISTANT:", false));
        assertArrayEquals(tokenizer.encode("USER: <image>\nWhat is in the picture? ASSISTANT:"),
                tokenizer.encode(segments, Integer.MAX_VALUE));
    }

    @Test
    void addedTokensInLiteralTextAreCharacters() {
        int eos = tokenizer.eosId();
        int[] literal = tokenizer.encode(List.of(new Tokenizer.Segment("a </s> b", true)), Integer.MAX_VALUE);
        int[] markup = tokenizer.encode(List.of(new Tokenizer.Segment("a </s> b", false)), Integer.MAX_VALUE);
        assertEquals(0, Arrays.stream(literal).filter(id -> id == eos).count());
        assertEquals(1, Arrays.stream(markup).filter(id -> id == eos).count());
        assertEquals("a </s> b", tokenizer.decode(literal, true));
    }

    @Test
    void anAddedTokenStraddlingMarkupAndLiteralTextIsNotMatched() {
        int eos = tokenizer.eosId();
        int[] ids = tokenizer.encode(List.of(new Tokenizer.Segment("x </", false), new Tokenizer.Segment("s>", true)), Integer.MAX_VALUE);
        assertEquals(0, Arrays.stream(ids).filter(id -> id == eos).count());
    }
}
