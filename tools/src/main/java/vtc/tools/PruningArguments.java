package vtc.tools;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import vtc.engine.prune.TokenSelector;
import vtc.pruning.FastV;
import vtc.pruning.KeepBudget;
import vtc.pruning.NoPruning;
import vtc.pruning.PruMerge;
import vtc.pruning.PruMergePlus;
import vtc.pruning.RandomSelection;
import vtc.pruning.UniformSelection;
import vtc.pruning.VtcCls;

/**
 * {@code --method --layers --keep --top --stride --seed}: the pruning options, read into the
 * selector the engine runs. A method that has no use for an option rejects it rather than
 * silently ignoring it ({@code --seed} also seeds sampling, so every method accepts it).
 * Adding a method is one line here and one selector class in the pruning module.
 */
final class PruningArguments {

    static final Set<String> OPTIONS = Set.of("method", "layers", "keep", "top", "stride", "seed");

    /** The names after {@code --method}, with the options each takes and the selector they make. */
    enum Method {
        VTC_CLS("vtc-cls", Set.of("layers", "keep"), v -> new VtcCls(v.layers(VtcCls.DEFAULT_LAYERS), v.budget())),
        FASTV("fastv", Set.of("layers", "keep"), v -> new FastV(v.layers(FastV.DEFAULT_LAYER), v.budget())),
        PRUMERGE("prumerge", Set.of(), v -> new PruMerge()),
        PRUMERGE_PLUS("prumerge+", Set.of("keep", "top", "stride"), Values::pruMergePlus),
        RANDOM("random", Set.of("keep"), v -> new RandomSelection(v.seed(), v.budget())),
        UNIFORM("uniform", Set.of("keep"), v -> new UniformSelection(v.budget())),
        NONE("none", Set.of(), v -> new NoPruning());

        final String cliName;
        private final Set<String> takes;
        private final Function<Values, TokenSelector> make;

        Method(String cliName, Set<String> takes, Function<Values, TokenSelector> make) {
            this.cliName = cliName;
            this.takes = takes;
            this.make = make;
        }

        /** Reads a {@code --method} value (case-insensitive). */
        static Method named(String name) {
            String wanted = name.strip().toLowerCase(Locale.ROOT);
            for (Method m : values()) {
                if (m.cliName.equals(wanted)) {
                    return m;
                }
            }
            throw new UsageException("--method: unknown method \"" + name + "\"; expected one of "
                    + Arrays.stream(values()).map(m -> m.cliName).collect(Collectors.joining(", ")));
        }

        /** Whether the method takes {@code --option}. */
        boolean takes(String option) {
            return takes.contains(option);
        }

        TokenSelector selector(Values values) {
            for (String option : Set.of("layers", "keep", "top", "stride")) {
                if (values.given(option) && !takes.contains(option)) {
                    throw new UsageException("--" + option + ": " + cliName + " does not take it");
                }
            }
            return make.apply(values);
        }
    }

    private PruningArguments() {
    }

    /** The method of {@code --method}, or {@code fallback} when it is absent. */
    static Method method(CommandLine line, String fallback) {
        return Method.named(line.value("method", fallback));
    }

    /** The selector of the command line; {@code fallbackMethod} applies when {@code --method} is absent. */
    static TokenSelector selector(CommandLine line, String fallbackMethod) {
        return selector(line, fallbackMethod, line.value("keep"));
    }

    /** As {@link #selector(CommandLine, String)} with {@code keep} instead of {@code --keep} (bench's list). */
    static TokenSelector selector(CommandLine line, String fallbackMethod, String keep) {
        Values values = new Values(line.value("layers"), keep, line.value("top"), line.value("stride"),
                line.longValue("seed", 0));
        return method(line, fallbackMethod).selector(values);
    }

    /**
     * U as written: an integer ({@code 64}) is a count, a number with a decimal point or an
     * exponent ({@code 0.25}) a fraction of the N patches.
     */
    static KeepBudget keepBudget(String text) {
        String t = text.strip();
        try {
            if (t.contains(".") || t.contains("e") || t.contains("E")) {
                return KeepBudget.fraction(Double.parseDouble(t));
            }
            return KeepBudget.count(Integer.parseInt(t));
        } catch (NumberFormatException e) {
            throw new UsageException("--keep: expected a count such as 64 or a fraction such as 0.25, got \"" + text + "\"");
        }
    }

    /** The pruning options as written (null when absent). */
    record Values(String layers, String keep, String top, String stride, long seed) {

        boolean given(String option) {
            return switch (option) {
                case "layers" -> layers != null;
                case "keep" -> keep != null;
                case "top" -> top != null;
                case "stride" -> stride != null;
                default -> false;
            };
        }

        int layers(int fallback) {
            return layers == null ? fallback : whole("layers", layers);
        }

        KeepBudget budget() {
            return keep == null ? KeepBudget.DEFAULT : keepBudget(keep);
        }

        /**
         * {@code --top T --stride S} as given, or the official presets of {@code --keep}
         * (64, 128, other; default 64), which hold for N = 576 patches.
         */
        TokenSelector pruMergePlus() {
            if ((top == null) != (stride == null)) {
                throw new UsageException("--" + (top == null ? "top" : "stride") + ": prumerge+ takes --top T and --stride S together");
            }
            if (top != null) {
                if (keep != null) {
                    throw new UsageException("--keep: prumerge+ takes either --keep (the official presets) or --top and --stride");
                }
                return new PruMergePlus(whole("top", top), whole("stride", stride));
            }
            return PruMergePlus.official(keep == null ? 64 : whole("keep", keep));
        }

        private static int whole(String option, String text) {
            try {
                return Integer.parseInt(text.strip());
            } catch (NumberFormatException e) {
                throw new UsageException("--" + option + ": expected a whole number, got \"" + text + "\"");
            }
        }
    }
}
