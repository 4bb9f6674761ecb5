package vtc.tools;

import java.awt.Color;
import java.awt.Font;
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
    /** Height of the title band above the panels. */
    static final int TOP = 44;
    /** Height of the colour scale band below the panels. */
    private static final int BOTTOM = 46;

    private KeptPatchPicture() {
    }

    /**
     * @param title the first line above the panels, e.g. "VTC-CLS  K=3  U=16 of 64 kept — cat.jpg"
     */
    static BufferedImage draw(ClsScoreMap map, String title) {
        int s = map.view().width();
        int scale = Math.max(1, (MIN_PANEL + s - 1) / s);
        int side = s * scale;
        int width = 2 * side + GAP;
        BufferedImage out = new BufferedImage(width, TOP + side + BOTTOM, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, 4, 18);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString("kept patches (dropped ones black)", 4, TOP - 6);
        g.drawString("[CLS] attention score of every patch, by rank", side + GAP, TOP - 6);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.drawImage(keptOnly(map), 0, TOP, side, side, null);
        g.drawImage(heatMap(map), side + GAP, TOP, side, side, null);
        colourScale(g, side + GAP, TOP + side + 8, side, 14);
        g.dispose();
        return out;
    }

    /** The title line: "VTC-CLS K=3  —  U=16 of 64 patches kept  —  cat.jpg". */
    static String title(ClsScoreMap map, String method, java.nio.file.Path image) {
        return String.format("%s  —  U=%d of %d patches kept%s  —  %s", method, map.kept().length, map.scores().length,
                map.merged() ? " (the others merged into them)" : "", image.getFileName());
    }

    /** The heat ramp as a bar from the lowest rank (left) to the highest (right), labelled. */
    private static void colourScale(Graphics2D g, int x, int y, int width, int height) {
        for (int i = 0; i < width; i++) {
            g.setColor(new Color(heat(width > 1 ? i / (double) (width - 1) : 0)));
            g.fillRect(x + i, y, 1, height);
        }
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString("lowest score", x, y + height + 14);
        String high = "highest score";
        g.drawString(high, x + width - g.getFontMetrics().stringWidth(high), y + height + 14);
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
