package vtc.pruning;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import vtc.engine.prune.TokenSelector;

/**
 * The pruning methods by the names every front end uses for them (the command line's
 * {@code --method}, the server's {@code "vtc": {"method": …}}, the evaluation's settings), with
 * the parameters each takes and the selector they make. The one table of methods: adding a method
 * is one selector class and one constant here. Parameters arrive typed ({@link Parameters});
 * reading them from text is the front end's business. Every refusal is a
 * {@link PruningParameterException} naming the parameter at fault.
 */
public enum PruningMethod {

    VTC_CLS("vtc-cls", Set.of("layers", "keep"), p -> new VtcCls(p.layersOr(VtcCls.DEFAULT_LAYERS), p.keepOrDefault())),
    FASTV("fastv", Set.of("layers", "keep"), p -> new FastV(p.layersOr(FastV.DEFAULT_LAYER), p.keepOrDefault())),
    PRUMERGE("prumerge", Set.of(), p -> new PruMerge()),
    PRUMERGE_PLUS("prumerge+", Set.of("keep", "top", "stride"), Parameters::pruMergePlus),
    RANDOM("random", Set.of("keep"), p -> new RandomSelection(p.seed(), p.keepOrDefault())),
    UNIFORM("uniform", Set.of("keep"), p -> new UniformSelection(p.keepOrDefault())),
    NONE("none", Set.of(), p -> new NoPruning());

    private final String methodName;
    private final Set<String> takes;
    private final Function<Parameters, TokenSelector> make;

    PruningMethod(String methodName, Set<String> takes, Function<Parameters, TokenSelector> make) {
        this.methodName = methodName;
        this.takes = takes;
        this.make = make;
    }

    /** The method's name, e.g. {@code vtc-cls}. */
    public String methodName() {
        return methodName;
    }

    /** The method called {@code name} (case and surrounding spaces ignored). */
    public static PruningMethod named(String name) {
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        for (PruningMethod m : values()) {
            if (m.methodName.equals(wanted)) {
                return m;
            }
        }
        throw new PruningParameterException("method", "unknown method \"" + name.strip() + "\"; expected one of "
                + Arrays.stream(values()).map(PruningMethod::methodName).collect(Collectors.joining(", ")));
    }

    /** Whether the method takes {@code parameter}: {@code layers}, {@code keep}, {@code top} or {@code stride}. */
    public boolean takes(String parameter) {
        return takes.contains(parameter);
    }

    /**
     * The selector of this method with {@code parameters}; a parameter the method has no use for
     * is refused rather than silently ignored.
     */
    public TokenSelector selector(Parameters parameters) {
        for (String parameter : Parameters.NAMES) {
            if (parameters.given(parameter) && !takes.contains(parameter)) {
                throw new PruningParameterException(parameter, methodName + " does not take it");
            }
        }
        return make.apply(parameters);
    }

    /**
     * A method's parameters as given, null where absent (the method's default applies).
     *
     * @param layers K (VTC-CLS: layers summed; FastV: the layer it cuts before)
     * @param keep   U, a count or a fraction of the patches (PruMerge+: the official preset's count)
     * @param top    PruMerge+'s T
     * @param stride PruMerge+'s s
     * @param seed   the seed of {@code random}
     */
    public record Parameters(Integer layers, KeepBudget keep, Integer top, Integer stride, long seed) {

        static final Set<String> NAMES = Set.of("layers", "keep", "top", "stride");

        /** No parameter given: every method's defaults. */
        public static final Parameters DEFAULTS = new Parameters(null, null, null, null, 0);

        boolean given(String parameter) {
            return switch (parameter) {
                case "layers" -> layers != null;
                case "keep" -> keep != null;
                case "top" -> top != null;
                case "stride" -> stride != null;
                default -> false;
            };
        }

        int layersOr(int fallback) {
            return layers == null ? fallback : layers;
        }

        KeepBudget keepOrDefault() {
            return keep == null ? KeepBudget.DEFAULT : keep;
        }

        /** T and s as given, or the official presets of the keep count (64, 128, other; default 64), which hold for N = 576. */
        TokenSelector pruMergePlus() {
            if ((top == null) != (stride == null)) {
                throw new PruningParameterException(top == null ? "top" : "stride",
                        "prumerge+ takes top and stride together");
            }
            if (top != null) {
                if (keep != null) {
                    throw new PruningParameterException("keep",
                            "prumerge+ takes either keep (its official presets) or top and stride");
                }
                return new PruMergePlus(top, stride);
            }
            if (keep != null && keep.isFraction()) {
                throw new PruningParameterException("keep", "prumerge+ takes a count (its official presets: 64, 128)");
            }
            return PruMergePlus.official(keepOrDefault().resolve(Integer.MAX_VALUE));
        }
    }
}
