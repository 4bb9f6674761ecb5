package vtc.api;

import java.util.List;

/**
 * Cuts generated text at the first of a request's stop strings, as the text arrives piece by
 * piece. Text that might still turn out to be the start of a stop string is held back, so what
 * {@link #push} returns never has to be taken back; the stop string itself is never returned.
 */
final class StopStrings {

    private final List<String> stops;
    private final StringBuilder pending = new StringBuilder();
    private boolean matched;

    StopStrings(List<String> stops) {
        this.stops = stops;
    }

    /** Whether a stop string has been seen (nothing more will be returned). */
    boolean matched() {
        return matched;
    }

    /** Adds generated text; returns the part that is now final (possibly empty). */
    String push(String text) {
        if (matched) {
            return "";
        }
        pending.append(text);
        int cut = -1;
        for (String stop : stops) {
            int at = pending.indexOf(stop);
            if (at >= 0 && (cut < 0 || at < cut)) {
                cut = at;
            }
        }
        if (cut >= 0) {
            matched = true;
            String out = pending.substring(0, cut);
            pending.setLength(0);
            return out;
        }
        int keep = longestStopPrefixAtEnd();
        String out = pending.substring(0, pending.length() - keep);
        pending.delete(0, pending.length() - keep);
        return out;
    }

    /** Ends the text: whatever was held back is final. */
    String flush() {
        String out = matched ? "" : pending.toString();
        pending.setLength(0);
        return out;
    }

    /** The length of the longest end of the pending text that begins some stop string. */
    private int longestStopPrefixAtEnd() {
        int best = 0;
        for (String stop : stops) {
            for (int len = Math.min(stop.length() - 1, pending.length()); len > best; len--) {
                if (pending.indexOf(stop.substring(0, len), pending.length() - len) >= 0) {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }
}
