package vtc.jmh.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import vtc.engine.kernels.Parallel;

/**
 * The ceiling for decode: how fast {@code threads} Java threads can read memory, as a vector
 * sum over a {@value #BYTES}-byte off-heap buffer (far beyond the L3), split into contiguous
 * halves on a {@link Parallel} pool like the matmul's rows. GB/s = {@value #BYTES} / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class MemoryBandwidthBenchmark {

    static final long BYTES = 1L << 30;
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final long VECTOR_BYTES = FLOATS.vectorByteSize();

    @Param({"1", "2"})
    public int threads;

    private Parallel parallel;
    private Arena arena;
    private MemorySegment data;
    private final float[] partial = new float[64];

    @Setup
    public void setUp() {
        arena = Arena.ofShared();
        data = arena.allocate(BYTES, 4096);
        data.fill((byte) 1);
        parallel = new Parallel(threads);
    }

    @TearDown
    public void tearDown() {
        parallel.close();
        arena.close();
    }

    @Benchmark
    public float sum() {
        long part = BYTES / threads;
        parallel.forRange(threads, (from, to) -> {
            for (int t = from; t < to; t++) {
                partial[t] = sum(data, t * part, (t + 1) * part);
            }
        });
        float total = 0;
        for (int t = 0; t < threads; t++) {
            total += partial[t];
        }
        return total;
    }

    /** Four independent accumulators so the adds never wait on each other; only the loads count. */
    private static float sum(MemorySegment data, long from, long to) {
        FloatVector a0 = FloatVector.zero(FLOATS), a1 = a0, a2 = a0, a3 = a0;
        for (long o = from; o <= to - 4 * VECTOR_BYTES; o += 4 * VECTOR_BYTES) {
            a0 = a0.add(FloatVector.fromMemorySegment(FLOATS, data, o, ByteOrder.LITTLE_ENDIAN));
            a1 = a1.add(FloatVector.fromMemorySegment(FLOATS, data, o + VECTOR_BYTES, ByteOrder.LITTLE_ENDIAN));
            a2 = a2.add(FloatVector.fromMemorySegment(FLOATS, data, o + 2 * VECTOR_BYTES, ByteOrder.LITTLE_ENDIAN));
            a3 = a3.add(FloatVector.fromMemorySegment(FLOATS, data, o + 3 * VECTOR_BYTES, ByteOrder.LITTLE_ENDIAN));
        }
        return a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
    }
}
