package vtc.engine.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * The error function, which {@link Math} lacks: W. J. Cody's rational Chebyshev approximations
 * (Math. Comp. 23, 1969), accurate to about 1e-16 in double. Three ranges of |x|:
 * {@code erf = x·R₁(x²)} below 0.46875; {@code erfc = exp(−x²)·R₂(|x|)} up to 4; and
 * {@code erfc = exp(−x²)/|x|·(1/√π − R₃(1/x²)/x²)} beyond. Scalar and vector forms compute
 * the same expressions; {@link #erfc} avoids the cancellation of {@code 1 − erf} in the tails.
 */
final class Erf {

    private static final double SMALL = 0.46875;
    private static final double MEDIUM = 4.0;
    private static final double INV_SQRT_PI = 0.56418958354775628695;

    // erf(x) = x · (A0 + A1 z + ...)/(B...) with z = x²; highest-order term last.
    private static final double[] A = {3.16112374387056560e00, 1.13864154151050156e02,
        3.77485237685302021e02, 3.20937758913846947e03, 1.85777706184603153e-1};
    private static final double[] B = {2.36012909523441209e01, 2.44024637934444173e02,
        1.28261652607737228e03, 2.84423683343917062e03};
    // erfc(y) = exp(−y²) · R₂(y) for 0.46875 < y ≤ 4.
    private static final double[] C = {5.64188496988670089e-1, 8.88314979438837594e00,
        6.61191906371416295e01, 2.98635138197400131e02, 8.81952221241769090e02,
        1.71204761263407058e03, 2.05107837782607147e03, 1.23033935479799725e03,
        2.15311535474403846e-8};
    private static final double[] D = {1.57449261107098347e01, 1.17693950891312499e02,
        5.37181101862009858e02, 1.62138957456669019e03, 3.29079923573345963e03,
        4.36261909014324716e03, 3.43936767414372164e03, 1.23033935480374942e03};
    // erfc(y) = exp(−y²)/y · (1/√π − z·R₃(z)) with z = 1/y², for y > 4.
    private static final double[] P = {3.05326634961232344e-1, 3.60344899949804439e-1,
        1.25781726111229246e-1, 1.60837851487422766e-2, 6.58749161529837803e-4,
        1.63153871373020978e-2};
    private static final double[] Q = {2.56852019228982242e00, 1.87295284992346725e00,
        5.27905102951428412e-1, 6.05183413124413191e-2, 2.33520497626869185e-3};

    private Erf() {
    }

    /** {@code 1 − erf(x)}, without the cancellation of computing it that way for large x. */
    static double erfc(double x) {
        double y = Math.abs(x);
        if (y <= SMALL) {
            return 1 - x * small(x * x);
        }
        double erfc = erfcAway(y);
        return x < 0 ? 2 - erfc : erfc;
    }

    /** erfc(y) for y > 0.46875. */
    private static double erfcAway(double y) {
        return Math.exp(-y * y) * (y <= MEDIUM ? medium(y) : large(y));
    }

    private static double small(double z) {
        double num = A[4] * z;
        double den = z;
        for (int i = 0; i < 3; i++) {
            num = (num + A[i]) * z;
            den = (den + B[i]) * z;
        }
        return (num + A[3]) / (den + B[3]);
    }

    private static double medium(double y) {
        double num = C[8] * y;
        double den = y;
        for (int i = 0; i < 7; i++) {
            num = (num + C[i]) * y;
            den = (den + D[i]) * y;
        }
        return (num + C[7]) / (den + D[7]);
    }

    private static double large(double y) {
        double z = 1 / (y * y);
        double num = P[5] * z;
        double den = z;
        for (int i = 0; i < 4; i++) {
            num = (num + P[i]) * z;
            den = (den + Q[i]) * z;
        }
        return (INV_SQRT_PI - z * (num + P[4]) / (den + Q[4])) / y;
    }

    /**
     * Lane-wise {@link #erfc(double)}: every range is evaluated and the right one blended in.
     * (The GELU needs erfc: for negative x, {@code 1 + erf(x)} would cancel to nothing.) Split
     * into small methods so the JIT inlines all of it into the caller's loop, keeping every
     * vector in registers.
     */
    static DoubleVector erfc(DoubleVector x) {
        DoubleVector y = x.abs();
        DoubleVector z = x.mul(x);
        DoubleVector nearZero = x.mul(small(z)).neg().add(1.0);
        VectorMask<Double> beyondMedium = y.compare(VectorOperators.GT, MEDIUM);
        DoubleVector away = z.neg().lanewise(VectorOperators.EXP).mul(medium(y).blend(large(y, z), beyondMedium));
        DoubleVector signed = away.blend(away.neg().add(2.0), x.compare(VectorOperators.LT, 0));
        return signed.blend(nearZero, y.compare(VectorOperators.LE, SMALL));
    }

    private static DoubleVector small(DoubleVector z) {
        DoubleVector num = z.mul(A[4]);
        DoubleVector den = z;
        for (int i = 0; i < 3; i++) {
            num = num.add(A[i]).mul(z);
            den = den.add(B[i]).mul(z);
        }
        return num.add(A[3]).div(den.add(B[3]));
    }

    private static DoubleVector medium(DoubleVector y) {
        DoubleVector num = y.mul(C[8]);
        DoubleVector den = y;
        for (int i = 0; i < 7; i++) {
            num = num.add(C[i]).mul(y);
            den = den.add(D[i]).mul(y);
        }
        return num.add(C[7]).div(den.add(D[7]));
    }

    private static DoubleVector large(DoubleVector y, DoubleVector z) {
        DoubleVector inv = DoubleVector.broadcast(y.species(), 1.0).div(z);
        DoubleVector num = inv.mul(P[5]);
        DoubleVector den = inv;
        for (int i = 0; i < 4; i++) {
            num = num.add(P[i]).mul(inv);
            den = den.add(Q[i]).mul(inv);
        }
        return inv.mul(num.add(P[4])).div(den.add(Q[4])).neg().add(INV_SQRT_PI).div(y);
    }
}
