package vtc.pruning;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import vtc.engine.prune.DecoderTokenSelector;
import vtc.engine.prune.VisualTokenSelector;

/**
 * The {@code --method} choices and how {@code --layers K} and {@code --keep U} turn into the
 * selectors the engine runs. A method that has no use for an option rejects it rather than
 * silently ignoring it.
 */
public enum PruningMethod {

    VTC_CLS("vtc-cls", true, true),
    FASTV("fastv", true, true),
    RANDOM("random", false, true),
    UNIFORM("uniform", false, true),
    NONE("none", false, false);

    /** The option name of the method in error messages. */
    public static final String OPTION = "--method";

    private final String cliName;
    private final boolean usesLayers;
    private final boolean usesKeep;

    PruningMethod(String cliName, boolean usesLayers, boolean usesKeep) {
        this.cliName = cliName;
        this.usesLayers = usesLayers;
        this.usesKeep = usesKeep;
    }

    /** The name as written after {@code --method}. */
    public String cliName() {
        return cliName;
    }

    /** Reads a {@code --method} value (case-insensitive). */
    public static PruningMethod parse(String name) {
        String wanted = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        for (PruningMethod m : values()) {
            if (m.cliName.equals(wanted)) {
                return m;
            }
        }
        throw new PruningOptionException(OPTION, "unknown method \"" + name + "\"; expected one of "
                + Arrays.stream(values()).map(PruningMethod::cliName).collect(Collectors.joining(", ")));
    }

    /**
     * The selectors for this method.
     *
     * @param layers {@code --layers} as written, or null for the method's default (3 for
     *               vtc-cls, 2 for fastv)
     * @param keep   {@code --keep} as written, or null for 64
     * @param seed   the seed of {@code random}
     */
    public Plan plan(String layers, String keep, long seed) {
        if (layers != null && !usesLayers) {
            throw new PruningOptionException(VtcCls.LAYERS_OPTION, cliName + " takes no layer count");
        }
        if (keep != null && !usesKeep) {
            throw new PruningOptionException(KeepBudget.OPTION, cliName + " keeps every token");
        }
        KeepBudget u = keep == null ? KeepBudget.DEFAULT : KeepBudget.parse(keep);
        return switch (this) {
            case VTC_CLS -> new Plan(this, new VtcCls(parseLayers(layers, VtcCls.DEFAULT_LAYERS), u), null);
            case FASTV -> new Plan(this, new NoPruning(), new FastV(parseLayers(layers, FastV.DEFAULT_LAYER), u));
            case RANDOM -> new Plan(this, new RandomSelection(seed, u), null);
            case UNIFORM -> new Plan(this, new UniformSelection(u), null);
            case NONE -> new Plan(this, new NoPruning(), null);
        };
    }

    private static int parseLayers(String text, int defaultLayers) {
        if (text == null) {
            return defaultLayers;
        }
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new PruningOptionException(VtcCls.LAYERS_OPTION, "expected a whole number of layers, got \"" + text + "\"");
        }
    }

    /**
     * What the engine runs for one method: a selector before the decoder (every method has one;
     * FastV's keeps every patch) and, for FastV only, a selector inside the decoder.
     */
    public record Plan(PruningMethod method, VisualTokenSelector visual, DecoderTokenSelector decoderOrNull) {

        public Optional<DecoderTokenSelector> decoder() {
            return Optional.ofNullable(decoderOrNull);
        }
    }
}
