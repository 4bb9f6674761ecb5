package vtc.server;

import java.util.List;
import java.util.Locale;
import vtc.engine.prune.TokenSelector;
import vtc.pruning.FastV;
import vtc.pruning.KeepBudget;
import vtc.pruning.NoPruning;
import vtc.pruning.PruMerge;
import vtc.pruning.PruMergePlus;
import vtc.pruning.PruningParameterException;
import vtc.pruning.RandomSelection;
import vtc.pruning.UniformSelection;
import vtc.pruning.VtcCls;

/**
 * A pruning method by name with its options, as the server's command line or a request's
 * {@code "vtc"} field gives them; {@link #selector} makes the selector the engine runs. Every
 * refusal is a {@link PruningParameterException} naming the parameter ({@code method},
 * {@code layers}, {@code keep}), so each caller can name its own field or option.
 *
 * @param method a name of {@link #METHODS}
 * @param layers K, or null for the method's default
 * @param keep   U, or null for the default (64; prumerge+: the official preset for 64)
 */
public record PruningChoice(String method, Integer layers, KeepBudget keep) {

    /** The method names, as {@code vtc generate --method} spells them. */
    public static final List<String> METHODS = List.of("vtc-cls", "fastv", "prumerge", "prumerge+", "random",
            "uniform", "none");
    public static final PruningChoice NONE = new PruningChoice("none", null, null);

    public PruningChoice {
        method = method.strip().toLowerCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw new PruningParameterException("method", "unknown method \"" + method + "\"; expected one of "
                    + String.join(", ", METHODS));
        }
        boolean takesLayers = method.equals("vtc-cls") || method.equals("fastv");
        boolean takesKeep = !method.equals("none") && !method.equals("prumerge");
        if (layers != null && !takesLayers) {
            throw new PruningParameterException("layers", method + " does not take it");
        }
        if (keep != null && !takesKeep) {
            throw new PruningParameterException("keep", method + " does not take it");
        }
        if (keep != null && method.equals("prumerge+") && keep.isFraction()) {
            throw new PruningParameterException("keep", "prumerge+ takes a count (its official presets: 64, 128)");
        }
    }

    /** The selector of this choice; {@code seed} seeds {@code random}. */
    public TokenSelector selector(long seed) {
        KeepBudget u = keep == null ? KeepBudget.DEFAULT : keep;
        return switch (method) {
            case "vtc-cls" -> new VtcCls(layers == null ? VtcCls.DEFAULT_LAYERS : layers, u);
            case "fastv" -> new FastV(layers == null ? FastV.DEFAULT_LAYER : layers, u);
            case "prumerge" -> new PruMerge();
            case "prumerge+" -> PruMergePlus.official(u.resolve(Integer.MAX_VALUE));
            case "random" -> new RandomSelection(seed, u);
            case "uniform" -> new UniformSelection(u);
            default -> new NoPruning();
        };
    }

    /**
     * This choice with a request's fields over it: a request naming its own method takes only its
     * own options (the default's belong to another method); otherwise its options replace ours.
     */
    PruningChoice overriddenBy(String requestMethod, Integer requestLayers, KeepBudget requestKeep) {
        if (requestMethod != null) {
            return new PruningChoice(requestMethod, requestLayers, requestKeep);
        }
        return new PruningChoice(method, requestLayers != null ? requestLayers : layers,
                requestKeep != null ? requestKeep : keep);
    }
}
