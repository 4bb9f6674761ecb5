package vtc.tools;

import java.util.Set;

/** One {@code vtc} subcommand: its options, its help text and what it does. */
interface Command {

    /** The word after {@code vtc}. */
    String name();

    /** One line for {@code vtc --help}. */
    String summary();

    /** The full {@code --help} text: usage line, options, notes. */
    String help();

    /** Options that take a value. */
    Set<String> valuedOptions();

    /** Options that stand alone ({@code --help} and {@code --verbose} are added by {@link Main}). */
    Set<String> flagOptions();

    /** Runs with parsed arguments; returns the exit code. */
    int run(CommandLine line, Terminal terminal) throws Exception;
}
