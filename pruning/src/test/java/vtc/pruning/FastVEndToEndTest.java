package vtc.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vtc.engine.llava.GenerationRequest;
import vtc.engine.llava.GenerationResult;
import vtc.engine.llava.LlavaModel;
import vtc.engine.text.LlamaDecoder;
import vtc.fixtures.Fixtures;
import vtc.fixtures.Golden;
import vtc.fixtures.Tolerance;

/**
 * FastV through the engine's decoder (KV cache, pruning at layer K during the prefill) against
 * the plain definition written out here: no cache, every step recomputed from scratch, layers
 * 0..K−1 on the whole sequence, then only the kept rows, at their original positions.
 */
class FastVEndToEndTest {

    static Stream<Arguments> settings() {
        return Stream.of(Fixtures.TINY_LLAVA, Fixtures.TINY_LLAVA_BF16).flatMap(fixture ->
                Golden.of(fixture).at("fastv.by_setting").getAsJsonObject().keySet().stream()
                        .map(setting -> Arguments.of(fixture, setting)));
    }

    /**
     * Same kept tokens and greedy ids as the reference; logits within 1e-4 of the plain path
     * (same kernels, only the cache and the row count differ, so only summation order can) and
     * the prefill logits within 1e-3 of the float64 reference (fixture README bound).
     */
    @ParameterizedTest
    @MethodSource("settings")
    void cachedPrefillPruningEqualsThePlainDefinition(String fixture, String setting) {
        try (LoadedFixture f = LoadedFixture.open(fixture)) {
            String[] kAndU = setting.split("_");
            int k = Integer.parseInt(kAndU[0].substring(1));
            int u = Integer.parseInt(kAndU[1].substring(1));
            String golden = "fastv.by_setting." + setting;
            int[] keptImage = f.golden().ints(golden + ".kept_image_indices");

            List<float[]> engineLogits = new ArrayList<>();
            GenerationResult result = f.model().generate(new GenerationRequest(f.pixels(), f.promptIds(),
                            new FastV(k, KeepBudget.count(u)), LoadedFixture.GOLDEN_GREEDY),
                    (step, token, logits) -> engineLogits.add(logits.clone()));
            assertArrayEquals(keptImage, result.keptIndices(), "kept image tokens");
            assertArrayEquals(f.golden().ints(golden + ".generated_ids"), result.generatedIds(), "greedy ids");
            Tolerance.assertClose(setting + " prefill vs reference", f.golden().floats("fastv." + setting + ".logits_last"),
                    engineLogits.get(0), 1e-3);

            PlainFastV plain = new PlainFastV(f, k, keptImage);
            int[] generated = new int[result.generatedIds().length];
            for (int step = 0; step < generated.length; step++) {
                float[] logits = plain.nextTokenLogits(generated, step);
                Tolerance.assertClose(setting + " step " + step + " vs plain path", logits, engineLogits.get(step), 1e-4);
                generated[step] = argmax(logits);
                assertEquals(generated[step], result.generatedIds()[step], "plain greedy token " + step);
            }
        }
    }

    /** FastV by its definition, recomputing the whole sequence for every new token. */
    private static final class PlainFastV {

        private final LlamaDecoder decoder;
        private final float[] prompt;
        private final int promptRows;
        private final int imageStart;
        private final int imageCount;
        private final int layer;
        private final boolean[] keptImage;
        private final int d;

        PlainFastV(LoadedFixture f, int layer, int[] kept) {
            LlavaModel model = f.model();
            this.decoder = model.decoder();
            this.imageCount = model.visionShape().numPatches();
            this.imageStart = model.imagePosition(f.promptIds());
            float[] features = model.vision().patchFeatures(f.pixels(), null, null);
            this.prompt = model.embedPrompt(f.promptIds(), model.projector().project(features, imageCount), imageCount);
            this.promptRows = f.promptIds().length - 1 + imageCount;
            this.layer = layer;
            this.keptImage = new boolean[imageCount];
            for (int j : kept) {
                keptImage[j] = true;
            }
            this.d = decoder.config().hiddenSize();
        }

        /** Logits after the prompt and the first {@code count} generated tokens (at positions T, T+1, ...). */
        float[] nextTokenLogits(int[] generated, int count) {
            int rows = promptRows + count;
            float[] x = new float[rows * d];
            System.arraycopy(prompt, 0, x, 0, promptRows * d);
            for (int j = 0; j < count; j++) {
                decoder.embed(generated[j], x, (promptRows + j) * d);
            }
            int[] positions = new int[rows];
            for (int i = 0; i < rows; i++) {
                positions[i] = i;
            }
            decoder.forwardLayers(x, rows, positions, 0, layer);

            float[] keptX = new float[rows * d];
            int[] keptPositions = new int[rows];
            int kept = 0;
            for (int i = 0; i < rows; i++) {
                int image = i - imageStart;
                if (image >= 0 && image < imageCount && !keptImage[image]) {
                    continue;
                }
                System.arraycopy(x, i * d, keptX, kept * d, d);
                keptPositions[kept++] = positions[i];
            }
            decoder.forwardLayers(keptX, kept, keptPositions, layer, decoder.config().numHiddenLayers());
            float[] logits = new float[decoder.config().vocabSize()];
            decoder.logits(keptX, kept - 1, logits);
            return logits;
        }
    }

    /** Greedy choice: the largest logit, the lower id on ties. */
    private static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
