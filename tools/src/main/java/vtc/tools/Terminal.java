package vtc.tools;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Where a command writes: results on {@code out}, diagnostics and progress notes on {@code err}.
 * Progress goes to stderr whether or not stdout is piped ({@code vtc bench | tee} still shows
 * it), as one plain line per note; at a terminal, step counters rewrite one line instead.
 * {@code --quiet} silences progress, never results or errors.
 */
public record Terminal(PrintStream out, PrintStream err, boolean interactive, boolean quiet) {

    /** Streams with progress shown (not {@code --quiet}). */
    public Terminal(PrintStream out, PrintStream err, boolean interactive) {
        this(out, err, interactive, false);
    }

    /**
     * The real process streams, always UTF-8 (token pieces and generated text are Unicode whatever
     * the locale); interactive when stderr's console is a terminal.
     */
    static Terminal ofProcess() {
        java.io.Console console = System.console();
        return new Terminal(utf8(FileDescriptor.out), utf8(FileDescriptor.err), console != null && console.isTerminal(),
                false);
    }

    private static PrintStream utf8(FileDescriptor fd) {
        return new PrintStream(new FileOutputStream(fd), true, StandardCharsets.UTF_8);
    }

    /** The same streams with progress silenced. */
    Terminal silenced() {
        return new Terminal(out, err, interactive, true);
    }

    /** A progress note on stderr, unless {@code --quiet}. */
    void progress(String message) {
        if (!quiet) {
            err.println(message);
        }
    }

    /** A counter for {@code total} steps of long work, with elapsed time and an estimate of the rest. */
    Steps steps(String what, int total) {
        return new Steps(this, what, total, System.nanoTime());
    }

    /** Progress through a known number of steps; {@link #next} announces each one as it starts. */
    static final class Steps {
        private final Terminal terminal;
        private final String what;
        private final int total;
        private final long start;
        private int started;

        private Steps(Terminal terminal, String what, int total, long start) {
            this.terminal = terminal;
            this.what = what;
            this.total = total;
            this.start = start;
        }

        /** Announces the next step: "[3/12] what label — 4.1 s elapsed, about 12 s left". */
        void next(String label) {
            started++;
            if (terminal.quiet) {
                return;
            }
            String line = String.format("[%d/%d] %s %s — %s", started, total, what, label, timeNote());
            if (terminal.interactive) {
                terminal.err.print("\r\033[K" + line);
                terminal.err.flush();
            } else {
                terminal.err.println(line);
            }
        }

        /** Ends the counter (at a terminal, moves past the rewritten line). */
        void done() {
            if (!terminal.quiet && terminal.interactive && started > 0) {
                terminal.err.println();
            }
            if (!terminal.quiet) {
                terminal.err.printf("%s: %d steps in %s%n", what, total, seconds(elapsedSeconds()));
            }
        }

        private double elapsedSeconds() {
            return (System.nanoTime() - start) / 1e9;
        }

        /** Elapsed time, and the rest estimated from the mean time of the steps finished so far. */
        private String timeNote() {
            double elapsed = elapsedSeconds();
            int finished = started - 1;
            if (finished == 0) {
                return seconds(elapsed) + " elapsed";
            }
            double left = elapsed / finished * (total - finished);
            return seconds(elapsed) + " elapsed, about " + seconds(left) + " left";
        }

        static String seconds(double s) {
            if (s < 60) {
                return String.format("%.1f s", s);
            }
            return String.format("%d min %02d s", (long) s / 60, (long) s % 60);
        }
    }
}
