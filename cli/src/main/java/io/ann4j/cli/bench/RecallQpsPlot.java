package io.ann4j.cli.bench;

import io.ann4j.cli.io.AtomicOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The plot ann-benchmarks draws: recall on the x-axis (0 to 1), queries per second on a
 * logarithmic y-axis, one Pareto frontier per algorithm, and exact search as a reference point.
 * Written as PNG and SVG with XChart.
 */
public final class RecallQpsPlot {
    private RecallQpsPlot() {}

    /**
     * The points of {@code all} that no other point beats in both recall and speed, by recall
     * ascending (ann-benchmarks' frontier: scan by recall descending, keep a point when it is
     * faster than every point of higher recall).
     */
    public static List<BenchPoint> paretoFrontier(List<BenchPoint> all) {
        List<BenchPoint> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingDouble(BenchPoint::recall).reversed().thenComparing(Comparator.comparingDouble(BenchPoint::qps).reversed()));
        List<BenchPoint> frontier = new ArrayList<>();
        double best = Double.NEGATIVE_INFINITY;
        for (BenchPoint p : sorted) {
            if (p.qps() > best) {
                frontier.add(0, p);
                best = p.qps();
            }
        }
        return frontier;
    }

    /** The chart for {@code report}. */
    public static XYChart chart(BenchReport report, int width, int height) {
        XYChart chart = new XYChartBuilder().width(width).height(height)
                .title(report.dataset() + " (k=" + report.k() + ", " + report.metric() + ", " + report.dtype() + ")")
                .xAxisTitle("Recall").yAxisTitle("Queries per second (1/s)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setXAxisMax(1.0);
        chart.getStyler().setMarkerSize(8);
        // Whole decades, so that a log axis always has labelled ticks.
        double lo = report.points().stream().mapToDouble(BenchPoint::qps).filter(v -> v > 0).min().orElse(1);
        double hi = report.points().stream().mapToDouble(BenchPoint::qps).max().orElse(10);
        chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(lo))));
        chart.getStyler().setYAxisMax(Math.pow(10, Math.max(Math.ceil(Math.log10(hi)), Math.floor(Math.log10(lo)) + 1)));
        chart.getStyler().setYAxisDecimalPattern("#,##0");
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSW);
        Map<String, List<BenchPoint>> byAlgorithm = new LinkedHashMap<>();
        for (BenchPoint p : report.points()) {
            byAlgorithm.computeIfAbsent(p.algorithm(), a -> new ArrayList<>()).add(p);
        }
        for (Map.Entry<String, List<BenchPoint>> e : byAlgorithm.entrySet()) {
            boolean exact = e.getKey().equals("exact");
            List<BenchPoint> pts = exact ? e.getValue() : paretoFrontier(e.getValue());
            XYSeries s = chart.addSeries(exact ? "exact (reference)" : "ann4j " + e.getKey(),
                    pts.stream().mapToDouble(BenchPoint::recall).toArray(), pts.stream().mapToDouble(BenchPoint::qps).toArray());
            if (exact) {
                s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                s.setMarker(SeriesMarkers.DIAMOND);
            } else {
                s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                s.setMarker(SeriesMarkers.CIRCLE);
            }
        }
        return chart;
    }

    /** Writes the chart as a PNG, atomically. */
    public static void writePng(XYChart chart, Path file, boolean force) throws IOException {
        AtomicOutput.write(file, force, tmp -> BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG));
    }

    /** Writes the chart as an SVG, atomically. */
    public static void writeSvg(XYChart chart, Path file, boolean force) throws IOException {
        AtomicOutput.write(file, force, tmp -> VectorGraphicsEncoder.saveVectorGraphic(chart, tmp.toString(),
                VectorGraphicsEncoder.VectorGraphicsFormat.SVG));
    }
}
