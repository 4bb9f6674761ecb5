package vtc.pruning.analysis;

import vtc.engine.llava.LlavaModel;
import vtc.engine.prune.DecoderAttentionObserver;
import vtc.engine.text.KvCache;
import vtc.engine.text.PromptRows;

/**
 * The two importance vectors Figure 2 compares, measured on one image and prompt with nothing
 * pruned: the VTC-CLS score for K = 1..{@code maxClsLayers}, and for every decoder layer the
 * head-mean attention of the last prompt token on each image token (not renormalised).
 *
 * @param clsScoresByK  {@code [K − 1][j]}
 * @param llmAttention  {@code [layer][j]}
 */
public record ImportanceSignals(float[][] clsScoresByK, float[][] llmAttention) {

    /**
     * Runs the ViT (recording the [CLS] rows of the last {@code maxClsLayers} layers up to the
     * feature layer, fewer if the tower is shallower) and the decoder prefill on the full prompt.
     */
    public static ImportanceSignals measure(LlavaModel model, float[] pixels, int[] promptIds, int maxClsLayers) {
        int maxK = Math.min(maxClsLayers, model.visionShape().featureLayer() + 1);
        ClsAttentionRecorder recorder = new ClsAttentionRecorder(model.visionShape(), maxK);
        float[] features = model.vision().patchFeatures(pixels, recorder, null);
        float[][] cls = new float[maxK][];
        for (int k = 1; k <= maxK; k++) {
            cls[k - 1] = recorder.scores(k);
        }
        return new ImportanceSignals(cls, lastTokenImageAttention(model, features, promptIds));
    }

    /** Prefill of the unpruned prompt, keeping each layer's last-token attention on the image keys. */
    private static float[][] lastTokenImageAttention(LlavaModel model, float[] features, int[] promptIds) {
        int n = model.visionShape().numPatches();
        int imageStart = model.imagePosition(promptIds);
        float[] x = model.embedPrompt(promptIds, model.projector().project(features, n), n);
        int rows = promptIds.length - 1 + n;
        float[][] attention = new float[model.config().text().numHiddenLayers()][n];
        DecoderAttentionObserver observer = (layer, headMean, keyPositions, keys) -> {
            for (int i = 0; i < keys; i++) {
                int image = keyPositions[i] - imageStart;
                if (image >= 0 && image < n) {
                    attention[layer][image] = headMean[i];
                }
            }
        };
        KvCache cache = model.decoder().newCache(rows);
        model.decoder().prefill(cache, new PromptRows(x, rows, model.config().text().hiddenSize()), observer);
        return attention;
    }
}
