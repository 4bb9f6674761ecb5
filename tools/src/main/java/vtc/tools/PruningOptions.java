package vtc.tools;

import vtc.engine.prune.TokenSelector;
import vtc.pruning.PruningMethod;
import vtc.pruning.PruningParameterException;

/**
 * The {@code vtc} pruning options for other command lines that take the same ones (the Spark
 * evaluation job), so that a method and its options mean the same everywhere: this reads them
 * with {@link PruningArguments}, the one place they are defined.
 */
public final class PruningOptions {

    private PruningOptions() {
    }

    /**
     * The selector of {@code --method --layers --keep --top --stride --seed} as written (null for
     * an absent option).
     *
     * @throws IllegalArgumentException naming the option that is wrong
     */
    public static TokenSelector selector(String method, String layers, String keep, String top, String stride, long seed) {
        try {
            return PruningArguments.selector(method, layers, keep, top, stride, seed);
        } catch (UsageException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Whether {@code method} takes {@code --keep} (a sweep over budgets runs it once per budget). */
    public static boolean takesKeep(String method) {
        try {
            return PruningMethod.named(method).takes("keep");
        } catch (PruningParameterException e) {
            throw new IllegalArgumentException("--" + e.getMessage(), e);
        }
    }
}
