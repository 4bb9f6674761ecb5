package vtc.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of one command: {@code --name value} or {@code --name=value} options, bare
 * {@code --flag}s and positional words, checked against what the command declares. Anything
 * undeclared is a {@link UsageException}, so a typo never silently changes a run.
 */
public final class CommandLine {

    private final String command;
    private final Map<String, String> values;
    private final Set<String> flags;
    private final List<String> positionals;

    private CommandLine(String command, Map<String, String> values, Set<String> flags, List<String> positionals) {
        this.command = command;
        this.values = values;
        this.flags = flags;
        this.positionals = positionals;
    }

    /**
     * @param valued option names that take a value (without the leading dashes)
     * @param flagNames option names that stand alone
     */
    public static CommandLine parse(String command, String[] args, Set<String> valued, Set<String> flagNames) {
        Map<String, String> values = new LinkedHashMap<>();
        Set<String> flags = new java.util.HashSet<>();
        List<String> positionals = new ArrayList<>();
        boolean onlyPositionals = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (onlyPositionals || !arg.startsWith("--")) {
                positionals.add(arg);
                continue;
            }
            if (arg.equals("--")) {
                onlyPositionals = true;
                continue;
            }
            int eq = arg.indexOf('=');
            String name = arg.substring(2, eq < 0 ? arg.length() : eq);
            if (flagNames.contains(name)) {
                if (eq >= 0) {
                    throw new UsageException(command + ": --" + name + " takes no value");
                }
                flags.add(name);
            } else if (valued.contains(name)) {
                String value;
                if (eq >= 0) {
                    value = arg.substring(eq + 1);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new UsageException(command + ": --" + name + " needs a value");
                }
                if (values.put(name, value) != null) {
                    throw new UsageException(command + ": --" + name + " is given twice");
                }
            } else {
                throw new UsageException(command + ": unknown option --" + name + " (see vtc " + command + " --help)");
            }
        }
        return new CommandLine(command, values, flags, List.copyOf(positionals));
    }

    /** The command these arguments belong to (for messages). */
    public String commandName() {
        return command;
    }

    public boolean flag(String name) {
        return flags.contains(name);
    }

    /** The value of {@code --name}, or null when it was not given. */
    public String value(String name) {
        return values.get(name);
    }

    public String value(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public String required(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new UsageException(command + ": --" + name + " is required (see vtc " + command + " --help)");
        }
        return v;
    }

    public int integer(String name, int fallback, int min) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n < min) {
                throw new UsageException(command + ": --" + name + " must be at least " + min + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " expects a whole number, got \"" + v + "\"");
        }
    }

    public long longValue(String name, long fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " expects a whole number, got \"" + v + "\"");
        }
    }

    public double number(String name, double fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v.strip());
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " expects a number, got \"" + v + "\"");
        }
    }

    /** Exactly {@code count} positional words, or a usage error naming what they are. */
    public List<String> positionals(int count, String what) {
        if (positionals.size() != count) {
            throw new UsageException(command + ": expected " + what + ", got "
                    + (positionals.isEmpty() ? "none" : String.join(" ", positionals)));
        }
        return positionals;
    }
}
