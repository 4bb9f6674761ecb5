package vtc.tools;

import java.util.Set;
import vtc.engine.prune.TokenSelector;
import vtc.pruning.KeepBudget;
import vtc.pruning.PruningMethod;
import vtc.pruning.PruningParameterException;

/**
 * {@code --method --layers --keep --top --stride --seed}: the pruning options, read from text into
 * the typed parameters of {@link PruningMethod} (the one table of methods), which makes the
 * selector the engine runs and refuses an option the method has no use for ({@code --seed} also
 * seeds sampling, so every method accepts it).
 */
final class PruningArguments {

    static final Set<String> OPTIONS = Set.of("method", "layers", "keep", "top", "stride", "seed");

    private PruningArguments() {
    }

    /** The method of {@code --method}, or {@code fallback} when it is absent. */
    static PruningMethod method(CommandLine line, String fallback) {
        return asOption(() -> PruningMethod.named(line.value("method", fallback)));
    }

    /** The selector of the command line; {@code fallbackMethod} applies when {@code --method} is absent. */
    static TokenSelector selector(CommandLine line, String fallbackMethod) {
        return selector(line, fallbackMethod, line.value("keep"));
    }

    /** As {@link #selector(CommandLine, String)} with {@code keep} instead of {@code --keep} (bench's list). */
    static TokenSelector selector(CommandLine line, String fallbackMethod, String keep) {
        return selector(line.value("method", fallbackMethod), line.value("layers"), keep, line.value("top"),
                line.value("stride"), line.longValue("seed", 0));
    }

    /** The selector of the options as written (null where absent). */
    static TokenSelector selector(String method, String layers, String keep, String top, String stride, long seed) {
        PruningMethod.Parameters parameters = new PruningMethod.Parameters(whole("layers", layers),
                keep == null ? null : keepBudget(keep), whole("top", top), whole("stride", stride), seed);
        return asOption(() -> PruningMethod.named(method).selector(parameters));
    }

    /**
     * U as written: an integer ({@code 64}) is a count, a number with a decimal point or an
     * exponent ({@code 0.25}) a fraction of the N patches.
     */
    static KeepBudget keepBudget(String text) {
        String t = text.strip();
        try {
            if (t.contains(".") || t.contains("e") || t.contains("E")) {
                return asOption(() -> KeepBudget.fraction(Double.parseDouble(t)));
            }
            return asOption(() -> KeepBudget.count(Integer.parseInt(t)));
        } catch (NumberFormatException e) {
            throw new UsageException("--keep: expected a count such as 64 or a fraction such as 0.25, got \"" + text + "\"");
        }
    }

    private static Integer whole(String option, String text) {
        if (text == null) {
            return null;
        }
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + option + ": expected a whole number, got \"" + text + "\"");
        }
    }

    /** The library names the parameter at fault; the command line names it as its option. */
    private static <T> T asOption(java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (PruningParameterException e) {
            throw new UsageException("--" + e.getMessage());
        }
    }
}
