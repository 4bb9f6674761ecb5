package vtc.server;

import vtc.pruning.PruningMethod;

/**
 * A pruning method with its options as written (on the command line or in a request's
 * {@code "vtc"} field); {@link PruningMethod#plan} turns it into selectors and checks it.
 *
 * @param layers null for the method's default
 * @param keep   null for the default budget
 */
public record PruningChoice(PruningMethod method, String layers, String keep) {

    public static final PruningChoice NONE = new PruningChoice(PruningMethod.NONE, null, null);

    public PruningMethod.Plan plan(long seed) {
        return method.plan(layers, keep, seed);
    }

    /**
     * This choice with a request's fields over it: a request naming its own method takes only its
     * own options (the default's belong to another method); otherwise its options replace ours.
     */
    PruningChoice overriddenBy(PruningMethod requestMethod, String requestLayers, String requestKeep) {
        if (requestMethod != null) {
            return new PruningChoice(requestMethod, requestLayers, requestKeep);
        }
        return new PruningChoice(method, requestLayers != null ? requestLayers : layers,
                requestKeep != null ? requestKeep : keep);
    }
}
