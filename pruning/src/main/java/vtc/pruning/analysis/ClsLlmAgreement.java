package vtc.pruning.analysis;

import java.util.ArrayList;
import java.util.List;

/**
 * The paper's Figure 2 as numbers: for one image and prompt, does the ViT's [CLS] attention rank
 * the image tokens the way the LLM's own attention does? If it does, pruning by [CLS] before the
 * LLM loses little of what the LLM would have looked at.
 */
public final class ClsLlmAgreement {

    /** The K values the paper compares. */
    public static final int MAX_CLS_LAYERS = 4;
    /** The U values the paper plots, for LLaVA-1.5's 576 image tokens. */
    public static final int[] PAPER_KEEPS = {64, 128};
    /** LLaVA-1.5's image tokens (24×24 patches of ViT-L/14-336). */
    public static final int PAPER_PATCHES = 576;

    private ClsLlmAgreement() {
    }

    /** A paper U rescaled to a model with N image tokens: round(U·N/576), at least 1, at most N. */
    public static int scaledKeep(int paperKeep, int numPatches) {
        long u = Math.round((double) paperKeep * numPatches / PAPER_PATCHES);
        return (int) Math.min(numPatches, Math.max(1, u));
    }

    /**
     * Every (K, U, LLM layer) combination.
     *
     * @param clsScoresByK  {@code clsScoresByK[K−1]}: the VTC-CLS score of every image token for K
     * @param llmAttention  {@code llmAttention[layer]}: the head-mean attention of the last prompt
     *                      token on every image token in that decoder layer
     * @param keeps         the U values (already scaled to N)
     */
    public static List<AgreementPoint> table(float[][] clsScoresByK, float[][] llmAttention, int[] keeps) {
        List<AgreementPoint> points = new ArrayList<>();
        for (int k = 1; k <= clsScoresByK.length; k++) {
            float[] cls = clsScoresByK[k - 1];
            for (int layer = 0; layer < llmAttention.length; layer++) {
                float[] llm = llmAttention[layer];
                double rho = SpearmanCorrelation.of(cls, llm);
                for (int u : keeps) {
                    points.add(new AgreementPoint(k, u, layer, TopOverlap.of(cls, llm, u), rho));
                }
            }
        }
        return points;
    }
}
