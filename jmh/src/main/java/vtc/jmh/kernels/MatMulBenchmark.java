package vtc.jmh.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import vtc.engine.kernels.MatMul;
import vtc.engine.kernels.Parallel;
import vtc.engine.tensor.DType;
import vtc.engine.tensor.Q8Quantizer;
import vtc.engine.tensor.WeightMatrix;

/**
 * {@code out[m, n] = x[m, k] · Wᵀ} with weights stored as F32/F16/BF16, on a {@link Parallel}
 * pool of {@code threads}. Shapes: the decoder's 4096×4096 projections at decode (m = 1), a
 * short prompt (m = 8) and prefill sizes, and the ViT-L/14-336 MLP (577 tokens, 1024 ↔ 4096).
 * Reports time per call; GFLOP/s = 2·m·n·k / time. The 4096×4096 weights (32–64 MiB) partly fit
 * the L3; {@link DecodeStreamingBenchmark} measures decode with weights that must come from DRAM.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g", "-XX:+UseParallelGC"})
public class MatMulBenchmark {

    /** {@code m×k→n}. */
    @Param({"1x4096x4096", "8x4096x4096", "64x4096x4096", "128x4096x4096", "640x4096x4096", "577x1024x4096", "577x4096x1024"})
    public String shape;

    @Param({"F32", "F16", "BF16", "Q8_0"})
    public DType dtype;

    @Param({"2"})
    public int threads;

    private Parallel parallel;
    private Arena arena;
    private WeightMatrix weights;
    private float[] x;
    private float[] out;
    private int m;

    @Setup(Level.Trial)
    public void setUp() {
        String[] dims = shape.split("x");
        m = Integer.parseInt(dims[0]);
        int k = Integer.parseInt(dims[1]);
        int n = Integer.parseInt(dims[2]);
        Random random = new Random(1);
        arena = Arena.ofShared();
        DType stored = dtype == DType.Q8_0 ? DType.F32 : dtype;
        MemorySegment data = arena.allocate((long) n * k * stored.bytes(), 64);
        ValueLayout.OfFloat f32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        ValueLayout.OfShort u16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < (long) n * k; i++) {
            float w = (float) (random.nextGaussian() * 0.02);
            switch (stored) {
                case F32 -> data.set(f32, 4 * i, w);
                case F16 -> data.set(u16, 2 * i, Float.floatToFloat16(w));
                case BF16 -> data.set(u16, 2 * i, (short) (Float.floatToRawIntBits(w) >>> 16));
                default -> throw new IllegalStateException();
            }
        }
        weights = new WeightMatrix("bench", data, stored, n, k);
        if (dtype == DType.Q8_0) {
            weights = Q8Quantizer.quantize(weights, arena);
        }
        x = new float[m * k];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        out = new float[m * n];
        parallel = new Parallel(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        parallel.close();
        arena.close();
    }

    @Benchmark
    public float[] matmul() {
        MatMul.matmul(parallel, x, 0, m, weights, null, out, 0);
        return out;
    }
}
