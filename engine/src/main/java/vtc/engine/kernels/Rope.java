package vtc.engine.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Rotary position embedding in the Hugging Face "rotate half" convention: for head dim d and
 * {@code i < d/2}, the pair {@code (x[i], x[i + d/2])} is rotated by {@code position · θ^(−2i/d)}.
 *
 * <p>The angle is formed in double ({@code position · invFreq}), so it stays accurate to ~1e-16
 * relative even at positions in the thousands with θ = 1e6, then its cosine and sine are rounded
 * to float. They are cached per position in a table computed up front for the first
 * {@value #PRECOMPUTED_POSITIONS} positions (LLaVA-1.5's context; 2 MiB at head dim 128), so a
 * decode step neither computes a sine nor allocates; a later position grows the table by
 * doubling (thread-safe, each row computed once).
 */
public final class Rope {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final int PRECOMPUTED_POSITIONS = 4096;

    private final int headDim;
    private final int half;
    private final double[] invFreq;
    /** Row p: cos of the half angles, then sin of them. Replaced (never mutated in place) when grown. */
    private volatile float[][] table;

    public Rope(int headDim, double theta) {
        if (headDim <= 0 || headDim % 2 != 0) {
            throw new IllegalArgumentException("RoPE head dim must be positive and even, got " + headDim);
        }
        this.headDim = headDim;
        this.half = headDim / 2;
        this.invFreq = new double[half];
        for (int i = 0; i < half; i++) {
            invFreq[i] = Math.pow(theta, -2.0 * i / headDim);
        }
        this.table = rows(new float[0][], PRECOMPUTED_POSITIONS);
    }

    /** Rotates {@code numHeads} consecutive head vectors starting at {@code off}, in place. */
    public void apply(float[] x, int off, int numHeads, int position) {
        float[] cosSin = angles(position);
        for (int h = 0; h < numHeads; h++) {
            rotate(x, off + h * headDim, cosSin);
        }
    }

    private void rotate(float[] x, int base, float[] cosSin) {
        int i = 0;
        for (; i <= half - L; i += L) {
            FloatVector a = FloatVector.fromArray(F, x, base + i);
            FloatVector b = FloatVector.fromArray(F, x, base + half + i);
            FloatVector cos = FloatVector.fromArray(F, cosSin, i);
            FloatVector sin = FloatVector.fromArray(F, cosSin, half + i);
            a.mul(cos).sub(b.mul(sin)).intoArray(x, base + i);
            b.mul(cos).add(a.mul(sin)).intoArray(x, base + half + i);
        }
        for (; i < half; i++) {
            float a = x[base + i];
            float b = x[base + half + i];
            float cos = cosSin[i];
            float sin = cosSin[half + i];
            x[base + i] = a * cos - b * sin;
            x[base + half + i] = b * cos + a * sin;
        }
    }

    /** The cached cos/sin row of {@code position}, growing the table if needed. */
    private float[] angles(int position) {
        if (position < 0) {
            throw new IllegalArgumentException("RoPE position must be >= 0, got " + position);
        }
        float[][] t = table;
        if (position < t.length) {
            return t[position];
        }
        return grow(position);
    }

    private synchronized float[] grow(int position) {
        float[][] old = table;
        if (position < old.length) {
            return old[position];
        }
        int size = old.length;
        while (size <= position) {
            size *= 2;
        }
        float[][] grown = rows(old, size);
        table = grown;
        return grown[position];
    }

    /** {@code old} extended with the rows of positions {@code old.length .. size − 1}. */
    private float[][] rows(float[][] old, int size) {
        float[][] grown = Arrays.copyOf(old, size);
        for (int p = old.length; p < size; p++) {
            grown[p] = row(p);
        }
        return grown;
    }

    private float[] row(int position) {
        float[] cosSin = new float[2 * half];
        for (int i = 0; i < half; i++) {
            double angle = position * invFreq[i];
            cosSin[i] = (float) Math.cos(angle);
            cosSin[half + i] = (float) Math.sin(angle);
        }
        return cosSin;
    }
}
