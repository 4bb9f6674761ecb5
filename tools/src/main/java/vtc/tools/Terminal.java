package vtc.tools;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Where a command writes: results on {@code out}, diagnostics on {@code err}, and progress notes
 * on {@code err} only when a person is watching (stderr is a terminal), so that scripts and
 * tests see clean streams.
 */
public record Terminal(PrintStream out, PrintStream err, boolean interactive) {

    /**
     * The real process streams, always UTF-8 (token pieces and generated text are Unicode whatever
     * the locale); interactive when the console is a terminal.
     */
    static Terminal ofProcess() {
        java.io.Console console = System.console();
        return new Terminal(utf8(FileDescriptor.out), utf8(FileDescriptor.err), console != null && console.isTerminal());
    }

    private static PrintStream utf8(FileDescriptor fd) {
        return new PrintStream(new FileOutputStream(fd), true, StandardCharsets.UTF_8);
    }

    /** A progress note, shown only to a person at a terminal. */
    void progress(String message) {
        if (interactive) {
            err.println(message);
        }
    }
}
