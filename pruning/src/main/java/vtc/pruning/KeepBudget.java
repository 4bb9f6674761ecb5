package vtc.pruning;

/**
 * U, how many visual tokens survive: either a fixed count or a fraction of the N tokens the
 * image has. A fraction lets one command line fit models with different grids (576 patches for
 * ViT-L/14-336, 64 for the tiny fixture).
 */
public final class KeepBudget {

    /** The paper's headline setting: 64 of LLaVA-1.5's 576 tokens. */
    public static final KeepBudget DEFAULT = count(64);

    private final int count;
    private final double fraction;

    private KeepBudget(int count, double fraction) {
        this.count = count;
        this.fraction = fraction;
    }

    /** Keep {@code u} tokens (all of them when the image has fewer). */
    public static KeepBudget count(int u) {
        if (u <= 0) {
            throw new PruningParameterException("keep", "U must be at least 1, got " + u);
        }
        return new KeepBudget(u, Double.NaN);
    }

    /** Keep {@code f · N} tokens, rounded to the nearest count and at least one; 0 < f ≤ 1. */
    public static KeepBudget fraction(double f) {
        if (!(f > 0 && f <= 1)) {
            throw new PruningParameterException("keep", "a fraction of the tokens must be in (0, 1], got " + f);
        }
        return new KeepBudget(0, f);
    }

    /** The number of tokens to keep out of {@code n}; never more than {@code n}. */
    public int resolve(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("an image has at least one token, got N = " + n);
        }
        int u = isFraction() ? (int) Math.max(1, Math.round(fraction * n)) : count;
        return Math.min(u, n);
    }

    public boolean isFraction() {
        return count == 0;
    }

    @Override
    public String toString() {
        return isFraction() ? Double.toString(fraction) : Integer.toString(count);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeepBudget other && other.count == count
                && Double.compare(other.fraction, fraction) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * count + Double.hashCode(fraction);
    }
}
