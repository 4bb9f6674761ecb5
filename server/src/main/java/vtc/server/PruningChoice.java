package vtc.server;

import vtc.engine.prune.TokenSelector;
import vtc.pruning.KeepBudget;
import vtc.pruning.PruningMethod;

/**
 * A pruning method by name with its options, as the server's command line or a request's
 * {@code "vtc"} field gives them; {@link #selector} makes the selector the engine runs. Every
 * refusal is a {@link vtc.pruning.PruningParameterException} naming the parameter ({@code method},
 * {@code layers}, {@code keep}), so each caller can name its own field or option.
 *
 * @param method a {@link PruningMethod} name
 * @param layers K, or null for the method's default
 * @param keep   U, or null for the default (64; prumerge+: the official preset for 64)
 */
public record PruningChoice(String method, Integer layers, KeepBudget keep) {

    public static final PruningChoice NONE = new PruningChoice("none", null, null);

    /** Checks the method's name and that it takes the options given, so a bad default is refused at start. */
    public PruningChoice {
        PruningMethod named = PruningMethod.named(method);
        named.selector(new PruningMethod.Parameters(layers, keep, null, null, 0));
        method = named.methodName();
    }

    /** The selector of this choice; {@code seed} seeds {@code random}. */
    public TokenSelector selector(long seed) {
        return PruningMethod.named(method).selector(new PruningMethod.Parameters(layers, keep, null, null, seed));
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
