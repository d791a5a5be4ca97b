package dev.resilience.benchmarks.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Bar charts of the ratios of one area, one bar per comparison, peers and floors in two colours,
 * with a line at 1 (parity). Drawn headless with XChart.
 *
 * <pre>{@code
 * Path png = Charts.write(Path.of("benchmarks/charts"), "ratelimit", groups);
 * }</pre>
 */
final class Charts {

    private static final Color PEER = new Color(0x2b6cb0);
    private static final Color FLOOR = new Color(0xa0aec0);
    /** Above this largest-to-least ratio the axis is logarithmic. */
    private static final double LOG_SPAN = 10;

    private Charts() {
    }

    /**
     * Writes {@code <dir>/<area>.png} when the area has comparisons.
     *
     * @return whether a chart was written
     */
    static boolean write(Path dir, String area, List<Group> groups) throws IOException {
        List<Group.Comparison> comparisons = groups.stream().flatMap(g -> g.comparisons().stream()).toList();
        if (comparisons.isEmpty()) {
            return false;
        }
        List<String> labels = labels(comparisons);
        List<Double> peers = new ArrayList<>();
        List<Double> floors = new ArrayList<>();
        for (Group.Comparison c : comparisons) {
            // Each bar belongs to one series; the other series has a gap (null) there.
            peers.add(c.vsFloor() ? null : c.ratio());
            floors.add(c.vsFloor() ? c.ratio() : null);
        }
        double min = comparisons.stream().mapToDouble(Group.Comparison::ratio).min().orElseThrow();
        double max = comparisons.stream().mapToDouble(Group.Comparison::ratio).max().orElseThrow();
        CategoryChart chart = new CategoryChartBuilder()
                .width(Math.max(800, 160 + 44 * labels.size()))
                // The labels stand upright under the bars: room for the longest, and 420 px of plot.
                .height(420 + 7 * labels.stream().mapToInt(String::length).max().orElse(0))
                .title(area + ": our time per operation ÷ theirs (below 1: we are faster)")
                .yAxisTitle("ratio")
                .build();
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setXAxisLabelRotation(90);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        if (max / min > LOG_SPAN) {
            // Ratios far apart (a floor 100× below, a peer 50× above): a linear axis would flatten
            // all but one bar, so powers of ten, with the bars rising from the one below the least.
            chart.getStyler().setYAxisLogarithmic(true);
            chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min))));
            chart.getStyler().setYAxisMax(Math.pow(10, Math.ceil(Math.log10(max))));
            chart.setYAxisTitle("ratio (log scale)");
        } else {
            chart.getStyler().setYAxisMin(0.0);
        }
        // Ticks and bar labels both follow this pattern (a custom formatter breaks the log axis).
        chart.getStyler().setYAxisDecimalPattern("#,##0.###");
        chart.getStyler().setLabelsVisible(true);
        if (peers.stream().anyMatch(Objects::nonNull)) {
            chart.addSeries("vs peer", labels, peers).setFillColor(PEER);
        }
        if (floors.stream().anyMatch(Objects::nonNull)) {
            chart.addSeries("vs floor", labels, floors).setFillColor(FLOOR);
        }
        AnnotationLine parity = new AnnotationLine(1.0, false, false);
        chart.addAnnotation(parity);
        Files.createDirectories(dir);
        BitmapEncoder.saveBitmap(chart, dir.resolve(area + ".png").toString(), BitmapEncoder.BitmapFormat.PNG);
        return true;
    }

    /**
     * One category per comparison, unique as XChart needs: the class tells apart equal labels of
     * two classes, a number what is left (two peers of one library in one class).
     */
    static List<String> labels(List<Group.Comparison> comparisons) {
        List<String> labels = new ArrayList<>();
        for (Group.Comparison c : comparisons) {
            String label = c.label();
            if (labels.contains(label)) {
                label = c.ours().className().replace("Benchmark", "") + ": " + label;
            }
            String unique = label;
            for (int n = 2; labels.contains(unique); n++) {
                unique = label + " #" + n;
            }
            labels.add(unique);
        }
        return labels;
    }
}
