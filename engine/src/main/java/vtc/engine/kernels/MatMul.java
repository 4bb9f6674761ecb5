package vtc.engine.kernels;

import vtc.engine.tensor.WeightMatrix;

/**
 * {@code out = x · Wᵀ + bias}: float32 activations times weights in their stored dtype
 * (F32, F16 or BF16), read straight from the (memory-mapped) weight data.
 *
 * <p>Two paths: with few activation rows (decode, short prompts) {@link RowDotMatMul} reads
 * each weight row once, streaming it straight into the dot products for one row (bound by
 * memory bandwidth) or widening it once for all rows; with many rows (prefill, ViT) the product
 * is bound by arithmetic, so {@link BlockedMatMul} packs weight blocks and runs a larger
 * register-blocked kernel. Work is split over output features (and over rows when there are few features).
 * A call allocates nothing and creates no thread.
 */
public final class MatMul {

    /**
     * From this many rows on, packing weight blocks pays for itself: below it, widening four
     * weight rows and sharing them across 4-row register tiles is faster (measured on AVX-512
     * at k = n = 4096: ~10 % ahead at 64 rows, even at 128).
     */
    static final int BLOCKED_MIN_ROWS = 96;

    private static final ThreadLocal<Job> JOBS = ThreadLocal.withInitial(Job::new);
    private static final ThreadLocal<Products> PRODUCTS = ThreadLocal.withInitial(Products::new);

    private MatMul() {
    }

    /**
     * @param x    {@code m} dense rows of {@code w.cols()} floats starting at {@code xOff}
     * @param bias {@code w.rows()} floats, or null
     * @param out  {@code m} dense rows of {@code w.rows()} floats starting at {@code outOff}
     * @throws IllegalArgumentException if an array is too short for the shapes (naming {@code w})
     */
    public static void matmul(Parallel parallel, float[] x, int xOff, int m, WeightMatrix w,
                              float[] bias, float[] out, int outOff) {
        checkShapes(x, xOff, m, w, bias, out, outOff);
        if (m == 0) {
            return;
        }
        Job job = JOBS.get();
        job.set(x, xOff, m, w, bias, out, outOff, parallel.threads());
        try {
            parallel.forRange(job.units(), job);
        } finally {
            job.clear();
        }
    }

    /**
     * {@code outs[i] = x · ws[i]ᵀ} for several weights that read the same input (q/k/v, gate/up),
     * no bias. With few rows the products share one parallel call, so a decode step waits for
     * its threads once instead of once per matrix; with many rows (bound by arithmetic, not by
     * the hand-off) they run one after another.
     */
    public static void matmul(Parallel parallel, float[] x, int xOff, int m, WeightMatrix[] ws, float[][] outs) {
        if (ws.length != outs.length) {
            throw new IllegalArgumentException(ws.length + " weights but " + outs.length + " outputs");
        }
        for (int i = 0; i < ws.length; i++) {
            checkShapes(x, xOff, m, ws[i], null, outs[i], 0);
        }
        if (m == 0) {
            return;
        }
        if (m >= BLOCKED_MIN_ROWS) {
            for (int i = 0; i < ws.length; i++) {
                matmul(parallel, x, xOff, m, ws[i], null, outs[i], 0);
            }
            return;
        }
        Products job = PRODUCTS.get();
        job.set(x, xOff, m, ws, outs);
        try {
            parallel.forRange(job.units(), job);
        } finally {
            job.clear();
        }
    }

    private static void checkShapes(float[] x, int xOff, int m, WeightMatrix w, float[] bias,
                                    float[] out, int outOff) {
        long k = w.cols();
        long n = w.rows();
        if (m < 0 || xOff < 0 || outOff < 0) {
            throw new IllegalArgumentException(w.name() + ": negative rows or offset (m=" + m
                    + ", xOff=" + xOff + ", outOff=" + outOff + ")");
        }
        if (xOff + m * k > x.length) {
            throw new IllegalArgumentException(w.name() + ": input holds " + x.length + " floats, needs "
                    + m + " rows of " + k + " from offset " + xOff);
        }
        if (outOff + m * n > out.length) {
            throw new IllegalArgumentException(w.name() + ": output holds " + out.length + " floats, needs "
                    + m + " rows of " + n + " from offset " + outOff);
        }
        if (bias != null && bias.length < n) {
            throw new IllegalArgumentException(w.name() + ": bias holds " + bias.length + " floats, needs " + n);
        }
    }

    /**
     * The work of one call as a parallel loop over units; one reusable instance per calling thread
     * (a call blocks until its units are done, so the instance is never shared by two calls).
     */
    private static final class Job implements Parallel.RangeTask {
        private float[] x;
        private int xOff;
        private int m;
        private WeightMatrix w;
        private float[] bias;
        private float[] out;
        private int outOff;
        private boolean blocked;
        /** Output-feature ranges, and for the blocked path, row ranges per feature range. */
        private int featureUnits;
        private int rowSplits;

        void set(float[] x, int xOff, int m, WeightMatrix w, float[] bias, float[] out, int outOff,
                 int threads) {
            this.x = x;
            this.xOff = xOff;
            this.m = m;
            this.w = w;
            this.bias = bias;
            this.out = out;
            this.outOff = outOff;
            int n = w.rows();
            this.blocked = m >= BLOCKED_MIN_ROWS;
            if (blocked) {
                featureUnits = ceilDiv(n, BlockedMatMul.BLOCK);
                int wanted = ceilDiv(2 * threads, featureUnits);
                rowSplits = Math.max(1, Math.min(wanted, m / BlockedMatMul.ROWS));
            } else {
                featureUnits = ceilDiv(n, RowDotMatMul.GROUP);
                rowSplits = 1;
            }
        }

        int units() {
            return featureUnits * rowSplits;
        }

        @Override
        public void run(int from, int to) {
            int n = w.rows();
            for (int u = from; u < to; u++) {
                if (blocked) {
                    int j0 = u / rowSplits * BlockedMatMul.BLOCK;
                    int split = u % rowSplits;
                    int i0 = rowBoundary(split);
                    int i1 = rowBoundary(split + 1);
                    BlockedMatMul.block(x, xOff, i0, i1, w, bias, out, outOff, j0, Math.min(n, j0 + BlockedMatMul.BLOCK));
                } else {
                    int j0 = u * RowDotMatMul.GROUP;
                    RowDotMatMul.rows(x, xOff, m, w, bias, out, outOff, j0, Math.min(n, j0 + RowDotMatMul.GROUP));
                }
            }
        }

        /** Start of row range {@code split}, on a micro-tile boundary so only the last has leftovers. */
        private int rowBoundary(int split) {
            if (split == rowSplits) {
                return m;
            }
            int tiles = m / BlockedMatMul.ROWS;
            return tiles * split / rowSplits * BlockedMatMul.ROWS;
        }

        void clear() {
            x = null;
            w = null;
            bias = null;
            out = null;
        }

        private static int ceilDiv(int a, int b) {
            return (a + b - 1) / b;
        }
    }

    /**
     * Several few-rows products as one parallel loop: unit u is a group of four output features
     * of one matrix, matrices one after another. One reusable instance per calling thread.
     */
    private static final class Products implements Parallel.RangeTask {
        private float[] x;
        private int xOff;
        private int m;
        private WeightMatrix[] ws;
        private float[][] outs;
        /** {@code firstUnit[i]}: the first unit of matrix i; the last entry is the total. */
        private int[] firstUnit = new int[0];

        void set(float[] x, int xOff, int m, WeightMatrix[] ws, float[][] outs) {
            this.x = x;
            this.xOff = xOff;
            this.m = m;
            this.ws = ws;
            this.outs = outs;
            if (firstUnit.length < ws.length + 1) {
                firstUnit = new int[ws.length + 1];
            }
            for (int i = 0; i < ws.length; i++) {
                firstUnit[i + 1] = firstUnit[i] + Job.ceilDiv(ws[i].rows(), RowDotMatMul.GROUP);
            }
        }

        int units() {
            return firstUnit[ws.length];
        }

        @Override
        public void run(int from, int to) {
            int i = 0;
            for (int u = from; u < to; u++) {
                while (u >= firstUnit[i + 1]) {
                    i++;
                }
                WeightMatrix w = ws[i];
                int j0 = (u - firstUnit[i]) * RowDotMatMul.GROUP;
                RowDotMatMul.rows(x, xOff, m, w, null, outs[i], 0, j0, Math.min(w.rows(), j0 + RowDotMatMul.GROUP));
            }
        }

        void clear() {
            x = null;
            ws = null;
            outs = null;
        }
    }
}
