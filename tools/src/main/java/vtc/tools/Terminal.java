package vtc.tools;

import java.io.PrintStream;

/**
 * Where a command writes: results on {@code out}, diagnostics on {@code err}, and progress notes
 * on {@code err} only when a person is watching (stderr is a terminal), so that scripts and
 * tests see clean streams.
 */
public record Terminal(PrintStream out, PrintStream err, boolean interactive) {

    /** The real process streams; interactive when the console is a terminal. */
    static Terminal ofProcess() {
        java.io.Console console = System.console();
        return new Terminal(System.out, System.err, console != null && console.isTerminal());
    }

    /** A progress note, shown only to a person at a terminal. */
    void progress(String message) {
        if (interactive) {
            err.println(message);
        }
    }
}
