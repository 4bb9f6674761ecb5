package vtc.loaders.tokenizer;

import java.io.ByteArrayOutputStream;

/**
 * Decodes ids one at a time as generation produces them. Every call returns only text that can no
 * longer change, so the concatenation of all {@link #push} results and the final {@link #flush}
 * equals {@link Tokenizer#decode} of all ids.
 *
 * <p>Byte-fallback tokens are held back until the run of byte tokens ends: whether the run is read
 * as UTF-8 or turned into replacement characters depends on the whole run, so no part of it can be
 * shown earlier without risking a different answer than the full decode. This also means a push
 * never returns half a character (a lone surrogate or a partial UTF-8 sequence).
 */
public final class StreamingDecoder {

    private final TextDecoder decoder;
    private final boolean skipSpecialTokens;
    private final ByteArrayOutputStream byteRun = new ByteArrayOutputStream();
    private int spacesStillToStrip;

    StreamingDecoder(TextDecoder decoder, boolean skipSpecialTokens) {
        this.decoder = decoder;
        this.skipSpecialTokens = skipSpecialTokens;
        this.spacesStillToStrip = decoder.leadingSpacesToStrip();
    }

    /** Adds one id; returns the text it completes (possibly empty). */
    public String push(int id) {
        if (!decoder.vocabulary().contains(id) || skipSpecialTokens && decoder.vocabulary().isSpecial(id)) {
            return "";
        }
        int b = decoder.byteOf(id);
        if (b >= 0) {
            byteRun.write(b);
            return "";
        }
        return stripLeading(endByteRun() + decoder.textOf(id));
    }

    /** Ends the stream: returns whatever text is still held back. */
    public String flush() {
        return stripLeading(endByteRun());
    }

    private String endByteRun() {
        String text = decoder.textOfByteRun(byteRun.toByteArray());
        byteRun.reset();
        return text;
    }

    /** The decoder strips spaces from the start of the whole text, so only the first text counts. */
    private String stripLeading(String text) {
        int strip = 0;
        while (spacesStillToStrip > 0 && strip < text.length() && text.charAt(strip) == ' ') {
            strip++;
            spacesStillToStrip--;
        }
        if (strip < text.length()) {
            spacesStillToStrip = 0;
        }
        return text.substring(strip);
    }
}
