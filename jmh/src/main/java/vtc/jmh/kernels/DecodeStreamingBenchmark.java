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
import vtc.engine.tensor.OwnedMemory;
import vtc.engine.tensor.Q8Quantizer;
import vtc.engine.tensor.WeightMatrix;

/**
 * Decode-sized products ({@code m} ≤ 15 activation rows) with weights that must come from DRAM:
 * each call uses the next of a ring of equal matrices that together hold {@code ringMegabytes}
 * (by default 512 MiB), far beyond the 32 MiB L3, as a decoder does when it walks its layers. Shapes are
 * TinyLlama's MLP ({@code 2048 → 5632} up/gate, {@code 5632 → 2048} down).
 *
 * <p>Weight bandwidth = {@code dtype.storedBytes(n, k) / time} (Q8_0: 1.125 bytes per weight);
 * compare with
 * {@link MemoryBandwidthBenchmark} on the same machine.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g", "-XX:+UseParallelGC"})
public class DecodeStreamingBenchmark {

    /** Bytes of weights the ring holds: many times the L3. */
    @Param({"512"})
    public long ringMegabytes;

    /**
     * F16 only: false replaces every weight whose F16 form is subnormal (|w| < 2^-14, about one
     * in 550 of these Gaussian weights) by the smallest normal of its sign. With a small ring
     * ({@code -p ringMegabytes=0 -p shape=1x2048x8}: two 32 KB matrices, in L1/L2) this shows
     * what subnormals cost the in-register widening, whose rebiasing multiply meets them as
     * float32 subnormals (a microcode assist on x86).
     */
    @Param({"true"})
    public boolean subnormals;

    /** {@code m×k→n}. */
    @Param({"1x2048x5632", "1x5632x2048"})
    public String shape;

    @Param({"F32", "F16", "BF16", "Q8_0"})
    public DType dtype;

    /**
     * F16 only: whether the matrices carry the load-time scan's proof that they hold no
     * infinity or NaN (what a loaded checkpoint in memory gets), which drops the kernel's check.
     */
    @Param({"true"})
    public boolean scanned;

    @Param({"2"})
    public int threads;

    private Parallel parallel;
    private Arena arena;
    private WeightMatrix[] ring;
    private int next;
    private float[] x;
    private float[] out;
    private int m;

    @Setup(Level.Trial)
    public void setUp() {
        String[] dims = shape.split("x");
        m = Integer.parseInt(dims[0]);
        int k = Integer.parseInt(dims[1]);
        int n = Integer.parseInt(dims[2]);
        long matrixBytes = dtype.storedBytes(n, k);
        long ringBytes = ringMegabytes << 20;
        int count = (int) Math.max(2, (ringBytes + matrixBytes - 1) / matrixBytes);
        arena = Arena.ofShared();
        WeightMatrix first;
        if (dtype == DType.Q8_0) {
            MemorySegment f32 = arena.allocate(4L * n * k, 64);
            fillGaussian(f32, DType.F32, (long) n * k, new Random(1));
            first = Q8Quantizer.quantize(new WeightMatrix("ring0", f32, DType.F32, n, k), arena);
        } else {
            // Owned memory with huge pages where allowed, as a loaded checkpoint gets.
            MemorySegment data = OwnedMemory.allocate(arena, matrixBytes);
            fillGaussian(data, dtype, (long) n * k, new Random(1));
            if (!subnormals) {
                raiseF16Subnormals(data, (long) n * k);
            }
            first = new WeightMatrix("ring0", data, dtype, n, k);
        }
        ring = new WeightMatrix[count];
        for (int i = 0; i < count; i++) {
            MemorySegment data = i == 0 ? first.data() : OwnedMemory.allocate(arena, matrixBytes).copyFrom(first.data());
            WeightMatrix w = new WeightMatrix("ring" + i, data, dtype, n, k);
            ring[i] = scanned ? w.scannedForFinite() : w;
        }
        Random random = new Random(2);
        x = new float[m * k];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        out = new float[m * n];
        parallel = new Parallel(threads);
    }

    private static void raiseF16Subnormals(MemorySegment data, long count) {
        ValueLayout.OfShort u16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < count; i++) {
            short bits = data.get(u16, 2 * i);
            if ((bits & 0x7C00) == 0 && (bits & 0x03FF) != 0) {
                data.set(u16, 2 * i, (short) ((bits & 0x8000) | 0x0400));
            }
        }
    }

    static void fillGaussian(MemorySegment data, DType dtype, long count, Random random) {
        ValueLayout.OfFloat f32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        ValueLayout.OfShort u16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < count; i++) {
            float w = (float) (random.nextGaussian() * 0.02);
            switch (dtype) {
                case F32 -> data.set(f32, 4 * i, w);
                case F16 -> data.set(u16, 2 * i, Float.floatToFloat16(w));
                case BF16 -> data.set(u16, 2 * i, (short) (Float.floatToRawIntBits(w) >>> 16));
                default -> throw new IllegalArgumentException(dtype + " is not stored in checkpoints");
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        parallel.close();
        arena.close();
    }

    @Benchmark
    public float[] matmul() {
        WeightMatrix w = ring[next];
        next = next + 1 == ring.length ? 0 : next + 1;
        MatMul.matmul(parallel, x, 0, m, w, null, out, 0);
        return out;
    }
}
