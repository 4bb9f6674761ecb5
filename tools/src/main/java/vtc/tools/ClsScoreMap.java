package vtc.tools;

import java.nio.file.Path;
import vtc.engine.llava.LlavaModel;
import vtc.loaders.Llava;
import vtc.loaders.image.ImageFiles;
import vtc.loaders.image.PreprocessMode;
import vtc.loaders.image.RgbImage;
import vtc.pruning.KeepBudget;
import vtc.pruning.VtcCls;
import vtc.pruning.VtcClsSelection;

/**
 * What VTC-CLS sees in one image: the S×S picture the vision tower gets, the [CLS] score of
 * every patch and the patches kept. Only the ViT runs (up to the feature layer); no decoder.
 *
 * @param view       the preprocessed 8-bit image, before normalisation
 * @param patchSize  P: patch j covers the P×P square at grid cell (j / g, j % g)
 * @param scores     score[j] of every patch (SPEC §4)
 * @param kept       the U kept patches, ascending
 */
record ClsScoreMap(RgbImage view, int patchSize, float[] scores, int[] kept) {

    static ClsScoreMap measure(Llava llava, Path image, PreprocessMode mode, int layers, KeepBudget keep) {
        RgbImage view = llava.preprocessor().modelView(ImageFiles.read(image), mode);
        LlavaModel model = llava.model();
        VtcClsSelection selection = new VtcCls(layers, keep).begin(model.visionShape());
        model.vision().patchFeatures(llava.preprocessor().normalize(view).chw(), selection, null);
        return new ClsScoreMap(view, llava.config().vision().patchSize(), selection.scores(), selection.keep());
    }

    int gridSize() {
        return (int) Math.round(Math.sqrt(scores.length));
    }
}
