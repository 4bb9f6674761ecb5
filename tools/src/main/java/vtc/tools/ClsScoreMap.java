package vtc.tools;

import vtc.api.Llava;
import vtc.engine.llava.LlavaModel;
import vtc.engine.prune.TokenSelector;
import vtc.loaders.image.PreprocessMode;
import vtc.loaders.image.RgbImage;
import vtc.pruning.PruMergeSelection;
import vtc.pruning.VtcCls;

/**
 * What a [CLS]-scored method sees in one image: the S×S picture the vision tower gets, the score
 * of every patch and the patches kept. Only the ViT runs; no decoder.
 *
 * @param view      the preprocessed 8-bit image, before normalisation
 * @param patchSize P: patch j covers the P×P square at grid cell (j / g, j % g)
 * @param scores    the method's score of every patch: the VTC-CLS score, or PruMerge's
 *                  last-layer [CLS] attention
 * @param kept      the kept patches
 * @param merged    whether the method also merges the dropped patches into the kept ones (the
 *                  picture shows which patches are kept, not what was merged into them)
 */
record ClsScoreMap(RgbImage view, int patchSize, float[] scores, int[] kept, boolean merged) {

    static ClsScoreMap measure(Llava llava, RgbImage image, PreprocessMode mode, TokenSelector selector) {
        RgbImage view = llava.preprocessor().modelView(image, mode);
        LlavaModel model = llava.model();
        TokenSelector.Selection selection = selector.begin(model.visionShape());
        float[] features = model.vision().patchFeatures(llava.preprocessor().normalize(view).chw(), selection, null);
        int patchSize = llava.config().vision().patchSize();
        if (selection instanceof VtcCls.Score score) {
            return new ClsScoreMap(view, patchSize, score.scores(), score.keep(), false);
        }
        if (selection instanceof PruMergeSelection merge) {
            int[] kept = merge.keepPatches(features, llava.config().vision().hiddenSize()).indices();
            return new ClsScoreMap(view, patchSize, merge.clsAttention(), kept, true);
        }
        throw new IllegalArgumentException(selector + " does not score patches by [CLS] attention");
    }

    int gridSize() {
        return (int) Math.round(Math.sqrt(scores.length));
    }
}
