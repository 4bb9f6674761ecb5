package vtc.tools;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import vtc.pruning.analysis.Ranks;

/**
 * The paper's Figure 4 for one image: left, the image the model sees with every dropped patch
 * blacked out; right, the [CLS] score of every patch as a heat map (dark = low rank, bright =
 * high rank). Both are enlarged with nearest-neighbour so small grids stay visible.
 */
final class KeptPatchPicture {

    /** The smallest panel side worth looking at; smaller images are scaled up by a whole factor. */
    private static final int MIN_PANEL = 448;
    private static final int GAP = 12;

    private KeptPatchPicture() {
    }

    static BufferedImage draw(ClsScoreMap map) {
        int s = map.view().width();
        int scale = Math.max(1, (MIN_PANEL + s - 1) / s);
        int side = s * scale;
        BufferedImage out = new BufferedImage(2 * side + GAP, side, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.drawImage(keptOnly(map), 0, 0, side, side, null);
        g.drawImage(heatMap(map), side + GAP, 0, side, side, null);
        g.dispose();
        return out;
    }

    /** The S×S view with the pixels of dropped patches set to black. */
    private static BufferedImage keptOnly(ClsScoreMap map) {
        int s = map.view().width();
        int g = map.gridSize();
        int p = map.patchSize();
        boolean[] kept = new boolean[g * g];
        for (int j : map.kept()) {
            kept[j] = true;
        }
        BufferedImage img = new BufferedImage(s, s, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                int row = Math.min(y / p, g - 1);
                int col = Math.min(x / p, g - 1);
                int rgb = kept[row * g + col]
                        ? map.view().sample(x, y, 0) << 16 | map.view().sample(x, y, 1) << 8 | map.view().sample(x, y, 2)
                        : 0;
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    /**
     * One cell per patch, coloured by the rank of its score: [CLS] attention is dominated by a few
     * patches, so a linear scale would paint all others black, while the ranks are what top-U uses.
     */
    private static BufferedImage heatMap(ClsScoreMap map) {
        int g = map.gridSize();
        double[] ranks = Ranks.average(map.scores());
        BufferedImage img = new BufferedImage(g, g, BufferedImage.TYPE_INT_RGB);
        for (int j = 0; j < ranks.length; j++) {
            double t = ranks.length > 1 ? (ranks[j] - 1) / (ranks.length - 1) : 0;
            img.setRGB(j % g, j / g, heat(t));
        }
        return img;
    }

    /** A black → purple → orange → pale yellow ramp for t in [0, 1]. */
    static int heat(double t) {
        double[][] stops = {{0, 0, 0}, {120, 28, 110}, {240, 110, 40}, {252, 240, 160}};
        double at = Math.max(0, Math.min(1, t)) * (stops.length - 1);
        int i = Math.min((int) at, stops.length - 2);
        double f = at - i;
        int[] c = new int[3];
        for (int k = 0; k < 3; k++) {
            c[k] = (int) Math.round(stops[i][k] + f * (stops[i + 1][k] - stops[i][k]));
        }
        return c[0] << 16 | c[1] << 8 | c[2];
    }
}
