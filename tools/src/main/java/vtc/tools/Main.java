package vtc.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import vtc.engine.llava.InvalidRequestException;
import vtc.loaders.LoadException;
import vtc.pruning.PruningOptionException;

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

    static int run(String[] args, Terminal terminal) {
        if (args.length == 0) {
            terminal.err().print(overview());
            return USAGE;
        }
        if (args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            terminal.out().print(overview());
            return OK;
        }
        Command command = COMMANDS.stream().filter(c -> c.name().equals(args[0])).findFirst().orElse(null);
        if (command == null) {
            terminal.err().println("vtc: unknown command \"" + args[0] + "\"; commands: "
                    + String.join(", ", COMMANDS.stream().map(Command::name).toList()) + " (vtc --help)");
            return USAGE;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        boolean verbose = Arrays.asList(rest).contains("--verbose");
        try {
            Set<String> flags = new HashSet<>(command.flagOptions());
            flags.add("help");
            flags.add("verbose");
            CommandLine line = CommandLine.parse(command.name(), rest, command.valuedOptions(), flags);
            if (line.flag("help")) {
                terminal.out().print(command.help());
                return OK;
            }
            return command.run(line, terminal);
        } catch (UsageException | PruningOptionException e) {
            return fail(terminal, command, e, USAGE, verbose);
        } catch (LoadException | InvalidRequestException | UncheckedIOException | IOException e) {
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

                usage: vtc COMMAND [options]     (vtc COMMAND --help for its options)

                commands:
                """);
        for (Command c : COMMANDS) {
            text.append(String.format("  %-11s %s%n", c.name(), c.summary()));
        }
        text.append("\nEvery command accepts --verbose (stack traces on errors).\n");
        return text.toString();
    }
}
