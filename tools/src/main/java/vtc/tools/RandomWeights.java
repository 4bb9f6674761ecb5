package vtc.tools;

import vtc.loaders.safetensors.SafetensorsWriter;

/**
 * Values for a random-weight checkpoint, produced chunk by chunk so that no tensor is ever held
 * in memory: norm weights are 1, biases 0, everything else uniform on [−a, a] with
 * a = 0.02·√3 (standard deviation 0.02, the usual initialiser scale, which keeps activations finite
 * through dozens of layers). Each tensor has its own xorshift stream seeded from the run's seed and
 * the tensor's name, so the file does not depend on chunk sizes or on the order tensors are written.
 */
final class RandomWeights {

    private static final double HALF_WIDTH = 0.02 * Math.sqrt(3);

    private RandomWeights() {
    }

    static SafetensorsWriter.Values of(String name, long[] shape, long seed) {
        if (shape.length == 1 && name.contains("norm") && name.endsWith(".weight")) {
            return constant(1f);
        }
        if (name.endsWith(".bias")) {
            return constant(0f);
        }
        return uniform(mix(seed, name));
    }

    private static SafetensorsWriter.Values constant(float value) {
        return (first, chunk, count) -> java.util.Arrays.fill(chunk, 0, count, value);
    }

    /** A sequential xorshift64* stream; the writer asks for the elements in order. */
    private static SafetensorsWriter.Values uniform(long seed) {
        long[] state = {seed == 0 ? 0x9E3779B97F4A7C15L : seed};
        return (first, chunk, count) -> {
            long s = state[0];
            for (int i = 0; i < count; i++) {
                s ^= s >>> 12;
                s ^= s << 25;
                s ^= s >>> 27;
                long r = s * 0x2545F4914F6CDD1DL;
                // top 24 bits → [0, 1) → [−a, a)
                chunk[i] = (float) (((r >>> 40) * 0x1.0p-24 * 2 - 1) * HALF_WIDTH);
            }
            state[0] = s;
        };
    }

    /** SplitMix64 finaliser of the seed and the name: well-spread, never zero in practice. */
    private static long mix(long seed, String name) {
        long z = seed * 0x9E3779B97F4A7C15L + name.hashCode() * 0xBF58476D1CE4E5B9L + name.length();
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
