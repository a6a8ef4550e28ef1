package dev.grad4j.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small SVG line chart: one or two panels side by side, each with its own y axis, for training
 * curves (loss per epoch, test accuracy per epoch, validation loss per step). No dependencies;
 * the file opens in any browser.
 */
final class Chart {

    /** One curve: a name, its colour and its points. */
    record Series(String name, String colour, double[] x, double[] y) {
    }

    /** One panel: a title, the x and y axis labels and its curves. */
    record Panel(String title, String xLabel, String yLabel, List<Series> series) {
    }

    private static final int PANEL_W = 420;
    private static final int PANEL_H = 300;
    private static final int LEFT = 60;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 45;

    private Chart() {
    }

    /** Writes {@code panels} side by side to {@code file} as SVG, creating its directory if needed. */
    static void write(Path file, List<Panel> panels) {
        StringBuilder svg = new StringBuilder();
        int width = PANEL_W * panels.size();
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\""
                        + " font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n",
                width, PANEL_H));
        for (int i = 0; i < panels.size(); i++) {
            panel(svg, panels.get(i), i * PANEL_W);
        }
        svg.append("</svg>\n");
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, svg, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("chart: cannot write " + file, e);
        }
    }

    private static void panel(StringBuilder svg, Panel p, int x0) {
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (Series s : p.series()) {
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.y()[i])) {
                    xMin = Math.min(xMin, s.x()[i]);
                    xMax = Math.max(xMax, s.x()[i]);
                    yMin = Math.min(yMin, s.y()[i]);
                    yMax = Math.max(yMax, s.y()[i]);
                }
            }
        }
        if (!(xMax >= xMin)) {
            xMin = 0;
            xMax = 1;
            yMin = 0;
            yMax = 1;
        }
        if (xMax == xMin) {
            xMax = xMin + 1;
        }
        double pad = (yMax - yMin) * 0.05;
        if (pad == 0) {
            pad = Math.max(1e-3, Math.abs(yMax) * 0.05);
        }
        yMin -= pad;
        yMax += pad;
        int w = PANEL_W - LEFT - RIGHT;
        int h = PANEL_H - TOP - BOTTOM;
        int left = x0 + LEFT;
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
                left, escape(p.title())));
        svg.append(String.format(Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n", left, TOP, w, h));
        for (int t = 0; t <= 4; t++) {
            double yv = yMin + (yMax - yMin) * t / 4;
            double py = TOP + h - (double) h * t / 4;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    left, py, left + w, py, left - 5, py + 4, tick(yv)));
            double xv = xMin + (xMax - xMin) * t / 4;
            double px = left + (double) w * t / 4;
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    px, TOP + h + 16, tick(xv)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                left + w / 2, PANEL_H - 8, escape(p.xLabel())));
        svg.append(String.format(Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 %d %d)\">%s</text>%n",
                x0 + 14, TOP + h / 2, x0 + 14, TOP + h / 2, escape(p.yLabel())));
        int legendY = TOP + 14;
        for (Series s : p.series()) {
            List<String> pts = new ArrayList<>();
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.y()[i])) {
                    double px = left + (s.x()[i] - xMin) / (xMax - xMin) * w;
                    double py = TOP + h - (s.y()[i] - yMin) / (yMax - yMin) * h;
                    pts.add(String.format(Locale.ROOT, "%.1f,%.1f", px, py));
                }
            }
            svg.append(String.format(Locale.ROOT,
                    "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
                    s.colour(), String.join(" ", pts)));
            if (pts.size() <= 40) {
                for (String pt : pts) {
                    String[] xy = pt.split(",");
                    svg.append(String.format(Locale.ROOT, "<circle cx=\"%s\" cy=\"%s\" r=\"3\" fill=\"%s\"/>%n",
                            xy[0], xy[1], s.colour()));
                }
            }
            svg.append(String.format(Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>"
                            + "<text x=\"%d\" y=\"%d\">%s</text>%n",
                    left + w - 130, legendY - 4, left + w - 110, legendY - 4, s.colour(), left + w - 105, legendY,
                    escape(s.name())));
            legendY += 16;
        }
    }

    private static String tick(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a < 0.01 || a >= 1e5)) {
            return String.format(Locale.ROOT, "%.2g", v);
        }
        return a >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
