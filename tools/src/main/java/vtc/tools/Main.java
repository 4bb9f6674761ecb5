package vtc.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import vtc.engine.llava.InvalidRequestException;
import vtc.engine.llava.NonFiniteValuesException;
import vtc.loaders.LoadException;
import vtc.pruning.PruningParameterException;

/**
 * The {@code vtc} command line. Exit codes: 0 success, 1 the run failed (a file that cannot be
 * used, a request the model cannot run), 2 the command line is wrong. Every failure is one line
 * on stderr; {@code --verbose} adds the stack trace.
 */
public final class Main {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private static final List<Command> COMMANDS = List.of(
            new DemoCommand(), new GenerateCommand(), new InspectCommand(), new TokenizeCommand(),
            new VisualizeCommand(), new AnalyzeCommand(), new MakeModelCommand(), new BenchCommand(),
            new EvalCommand(), new ServeCommand());

    private Main() {
    }

    public static void main(String[] args) {
        Terminal terminal = Terminal.ofProcess();
        int code = run(args, terminal);
        terminal.out().flush();
        terminal.err().flush();
        System.exit(code);
    }

    /** Runs one command line in-process (the tests' entry point); never exits the JVM. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, new Terminal(out, err, false));
    }

    /** Options every command accepts, before or after the command word. */
    static final Set<String> GLOBAL_FLAGS = Set.of("verbose", "quiet", "help");

    static int run(String[] args, Terminal terminal) {
        // Global flags may come before the command word: vtc --verbose generate …
        int first = 0;
        Set<String> leading = new HashSet<>();
        while (first < args.length && args[first].startsWith("--")) {
            String name = args[first].substring(2);
            if (name.equals("version")) {
                terminal.out().println("vtc " + version() + " (Java " + Runtime.version() + ")");
                return OK;
            }
            if (!GLOBAL_FLAGS.contains(name)) {
                terminal.err().println("vtc: unknown option " + args[first] + " before the command; global options: "
                        + "--verbose, --quiet, --help, --version (vtc --help)");
                return USAGE;
            }
            leading.add(name);
            first++;
        }
        if (first == args.length) {
            if (leading.contains("help")) {
                terminal.out().print(overview());
                return OK;
            }
            terminal.err().print(overview());
            return USAGE;
        }
        if (args[first].equals("-h") || args[first].equals("help")) {
            terminal.out().print(overview());
            return OK;
        }
        if (args[first].equals("-V") || args[first].equals("version")) {
            terminal.out().println("vtc " + version() + " (Java " + Runtime.version() + ")");
            return OK;
        }
        String word = args[first];
        Command command = COMMANDS.stream().filter(c -> c.name().equals(word)).findFirst().orElse(null);
        if (command == null) {
            terminal.err().println("vtc: unknown command \"" + word + "\"; commands: "
                    + String.join(", ", COMMANDS.stream().map(Command::name).toList()) + " (vtc --help)");
            return USAGE;
        }
        String[] rest = Arrays.copyOfRange(args, first + 1, args.length);
        boolean verbose = leading.contains("verbose") || Arrays.asList(rest).contains("--verbose");
        try {
            Set<String> flags = new HashSet<>(command.flagOptions());
            flags.addAll(GLOBAL_FLAGS);
            CommandLine line = CommandLine.parse(command.name(), rest, command.valuedOptions(), flags);
            if (line.flag("help") || leading.contains("help")) {
                terminal.out().print(command.help());
                return OK;
            }
            verbose = leading.contains("verbose") || line.flag("verbose");
            Terminal forCommand = leading.contains("quiet") || line.flag("quiet") ? terminal.silenced() : terminal;
            return command.run(line, forCommand);
        } catch (UsageException e) {
            return fail(terminal, command, e, USAGE, verbose);
        } catch (PruningParameterException e) {
            // The library names its parameter; on the command line it is the option of the same name.
            return fail(terminal, command, new UsageException("--" + e.getMessage()), USAGE, verbose);
        } catch (LoadException | InvalidRequestException | NonFiniteValuesException | UncheckedIOException | IOException e) {
            return fail(terminal, command, e, FAILED, verbose);
        } catch (Exception e) {
            terminal.err().println("vtc " + command.name() + ": unexpected error: " + e
                    + (verbose ? "" : " (run with --verbose for the stack trace)"));
            if (verbose) {
                e.printStackTrace(terminal.err());
            }
            return FAILED;
        }
    }

    /** The project version the build stamped into the jar, or "development" when run from classes. */
    static String version() {
        try (var in = Main.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                java.util.Properties p = new java.util.Properties();
                p.load(in);
                String v = p.getProperty("version", "");
                if (!v.isBlank() && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "development";
    }

    private static int fail(Terminal terminal, Command command, Exception e, int code, boolean verbose) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        // Usage messages already start with the command's name.
        terminal.err().println(message.startsWith(command.name() + ": ")
                ? "vtc " + message : "vtc " + command.name() + ": " + message);
        if (verbose) {
            e.printStackTrace(terminal.err());
        }
        return code;
    }

    private static String overview() {
        StringBuilder text = new StringBuilder("""
                vtc — LLaVA-1.5 on the CPU with VTC-CLS visual token pruning

                usage: vtc [--verbose] [--quiet] COMMAND [options]     (vtc COMMAND --help for its options)
                       vtc --version

                commands:
                """);
        for (Command c : COMMANDS) {
            text.append(String.format("  %-11s %s%n", c.name(), c.summary()));
        }
        text.append("""

                Every command accepts, before or after its name: --verbose (stack traces on errors), --quiet
                (no progress notes on stderr), --help. vtc --version prints the version.
                """);
        return text.toString();
    }
}
