package vtc.tools;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.List;
import vtc.pruning.analysis.AgreementPoint;

/**
 * The paper's Figure 2 as a picture: per LLM layer, left the top-U overlap ratio of [CLS] and LLM
 * attention (one line per K, solid for the smaller U, dashed for the larger), right the Spearman
 * correlation (one line per K).
 */
final class AgreementPlot {

    private static final int PANEL_W = 520;
    private static final int PANEL_H = 360;
    private static final int MARGIN = 56;
    private static final Color[] K_COLORS = {new Color(31, 119, 180), new Color(255, 127, 14),
            new Color(44, 160, 44), new Color(214, 39, 40)};

    private AgreementPlot() {
    }

    /** @param title the line above the panels: what was compared, on which image */
    static BufferedImage draw(List<AgreementPoint> points, int maxK, int[] keeps, int layers, String title) {
        BufferedImage img = new BufferedImage(2 * (PANEL_W + MARGIN) + MARGIN, PANEL_H + 2 * MARGIN,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, MARGIN, 18);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        Panel overlap = new Panel(MARGIN, MARGIN, 0, 1, layers, "top-U overlap ratio");
        Panel spearman = new Panel(2 * MARGIN + PANEL_W, MARGIN, -1, 1, layers, "Spearman correlation");
        overlap.axes(g);
        spearman.axes(g);
        for (int k = 1; k <= maxK; k++) {
            for (int u = 0; u < keeps.length; u++) {
                overlap.line(g, points, k, keeps[u], false, K_COLORS[(k - 1) % K_COLORS.length], u > 0);
            }
            spearman.line(g, points, k, keeps[0], true, K_COLORS[(k - 1) % K_COLORS.length], false);
            g.setColor(K_COLORS[(k - 1) % K_COLORS.length]);
            g.drawString("K=" + k, MARGIN + 10 + (k - 1) * 50, MARGIN - 24);
        }
        g.setColor(Color.DARK_GRAY);
        StringBuilder legend = new StringBuilder("solid U=" + keeps[0]);
        for (int u = 1; u < keeps.length; u++) {
            legend.append(", dashed U=").append(keeps[u]);
        }
        g.drawString(legend.toString(), MARGIN + 10 + maxK * 50, MARGIN - 24);
        g.dispose();
        return img;
    }

    /** One plot area: x = LLM layer 0..layers−1, y from yMin to yMax. */
    private record Panel(int left, int top, double yMin, double yMax, int layers, String title) {

        double x(double layer) {
            return left + (layers <= 1 ? PANEL_W / 2.0 : layer * PANEL_W / (layers - 1));
        }

        double y(double value) {
            return top + PANEL_H - (value - yMin) / (yMax - yMin) * PANEL_H;
        }

        void axes(Graphics2D g) {
            g.setColor(Color.BLACK);
            g.drawString(title, left + PANEL_W / 2 - 60, top - 6);
            g.drawString("LLM layer", left + PANEL_W / 2 - 25, top + PANEL_H + 36);
            for (int i = 0; i <= 4; i++) {
                double v = yMin + i * (yMax - yMin) / 4;
                int yy = (int) y(v);
                g.setColor(new Color(230, 230, 230));
                g.drawLine(left + 1, yy, left + PANEL_W - 1, yy);
                g.setColor(Color.BLACK);
                g.drawString(String.format("%.2f", v), left - 40, yy + 4);
            }
            g.drawRect(left, top, PANEL_W, PANEL_H); // after the grid lines, so the frame stays black
            int step = Math.max(1, (layers + 7) / 8);
            for (int l = 0; l < layers; l += step) {
                g.drawString(Integer.toString(l), (int) x(l) - 4, top + PANEL_H + 16);
            }
        }

        void line(Graphics2D g, List<AgreementPoint> points, int k, int keep, boolean spearman, Color color,
                  boolean dashed) {
            Path2D.Double path = new Path2D.Double();
            boolean started = false;
            for (AgreementPoint p : points) {
                double v = spearman ? p.spearman() : p.overlap();
                if (p.clsLayers() != k || p.keep() != keep || Double.isNaN(v)) {
                    continue;
                }
                if (started) {
                    path.lineTo(x(p.llmLayer()), y(v));
                } else {
                    path.moveTo(x(p.llmLayer()), y(v));
                    started = true;
                }
                g.setColor(color);
                g.fillOval((int) x(p.llmLayer()) - 3, (int) y(v) - 3, 6, 6);
            }
            Stroke old = g.getStroke();
            g.setStroke(dashed ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f,
                    new float[] {6f, 5f}, 0f) : new BasicStroke(2f));
            g.setColor(color);
            g.draw(path);
            g.setStroke(old);
        }
    }
}
