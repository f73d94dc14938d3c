package scremoted.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Measurements of one run for both servers, the table of figures against goals, and its files. */
final class Results {
    /** Figures measured on one server. */
    static final class ServerResults {
        final String label;
        final Map<String, Double> values = new LinkedHashMap<>();
        final Map<String, List<double[]>> series = new LinkedHashMap<>();
        final List<String> notes = new ArrayList<>();

        ServerResults(String label) {
            this.label = label;
        }

        synchronized void put(String key, double v) {
            values.put(key, v);
        }

        synchronized double get(String key) {
            return values.getOrDefault(key, Double.NaN);
        }

        synchronized void series(String name, double x, double y) {
            series.computeIfAbsent(name, k -> new ArrayList<>()).add(new double[] {x, y});
        }

        synchronized void note(String n) {
            notes.add(n);
        }
    }

    enum Goal { AT_MOST, RATIO_AT_LEAST, AT_LEAST, INFO }

    /** One line of the table: a figure, how it is judged, and the goal as text. */
    record Row(String key, String figure, String unit, Goal goal, double target, String goalText) {}

    /** A row with its numbers and verdict. */
    record Line(Row row, double ours, double c, double ratio, String met) {}

    final ServerResults ours = new ServerResults("ours");
    final ServerResults c = new ServerResults("C");
    final List<Row> rows = new ArrayList<>();
    final Map<String, String> environment = new LinkedHashMap<>();
    boolean cMeasured;

    static List<Row> rowsFor(Scenarios.Config config) {
        int[] steps = config.idleSteps();
        int mid = steps[steps.length / 2];
        for (int s : steps) {
            if (s == 1000) {
                mid = 1000;
            }
        }
        int max = steps[steps.length - 1];
        String bulk1 = "Bulk relay, 1 monitor x " + size(config.bulkBytes());
        String bulkN = "Bulk relay, " + config.multiMonitors() + " monitors x " + size(config.multiBytes()) + ", aggregate";
        int n = config.scaleMonitors();
        List<Row> r = new ArrayList<>();
        r.add(new Row("rtt.p50", "Round trip (unix client -> monitor echo) p50", "ms", Goal.AT_MOST, 0.5, "<= 0.5 ms"));
        r.add(new Row("rtt.p99", "Round trip p99", "ms", Goal.AT_MOST, 2.0, "<= 2 ms"));
        r.add(new Row("rtt.n", "Round trips measured (time-bounded)", "", Goal.INFO, 0, "info"));
        r.add(new Row("bulk1.mbps", bulk1, "MB/s", Goal.RATIO_AT_LEAST, 1.5, ">= 1.5x C"));
        r.add(new Row("bulkN.mbps", bulkN, "MB/s", Goal.RATIO_AT_LEAST, 1.5, ">= 1.5x C"));
        r.add(new Row("bulk1.warmupMbps", bulk1 + ", warm-up run (first after start)", "MB/s", Goal.INFO, 0, "info"));
        r.add(new Row("bulk1.cpuPerGB", "Server CPU per GB relayed, 1 flow", "s/GB", Goal.INFO, 0, "info (lower is better)"));
        r.add(new Row("bulkN.cpuPerGB", "Server CPU per GB relayed, " + config.multiMonitors() + " flows", "s/GB",
                Goal.INFO, 0, "info (lower is better)"));
        r.add(new Row("relay.peakRss", "Peak RSS (VmHWM) after the round-trip and bulk scenarios", "KiB", Goal.INFO, 0,
                "info"));
        r.add(new Row("idle.perMonitor." + mid, "Idle RSS per monitor at " + mid, "KiB", Goal.AT_MOST, 16, "<= 16 KiB"));
        r.add(new Row("idle.perMonitor." + max, "Idle RSS per monitor at " + max, "KiB", Goal.AT_MOST, 16, "<= 16 KiB"));
        r.add(new Row("idle.rss.0", "RSS with no monitor", "KiB", Goal.INFO, 0, "info"));
        r.add(new Row("idle.rss." + max, "RSS with " + max + " idle monitors", "KiB", Goal.INFO, 0, "info"));
        r.add(new Row("scale.connected", "Scale: monitors connected of " + n, "", Goal.AT_LEAST, n, "all " + n));
        r.add(new Row("scale.rate", "Scale: connection rate", "monitors/s", Goal.RATIO_AT_LEAST, 1.0, ">= 1.0x C"));
        r.add(new Row("scale.coldRate", "Scale: connection rate, warm-up burst on a fresh server", "monitors/s",
                Goal.INFO, 0, "info"));
        r.add(new Row("scale.cpuMicros", "Scale: server CPU per monitor connected", "us", Goal.INFO, 0,
                "info (lower is better)"));
        r.add(new Row("scale.lost", "Scale: sessions lost in the hold (ours " + config.scaleHoldMillisOurs() / 1000.0
                + " s at " + config.oursMillisPerSecond() + " ms/s = 1 min; C " + config.scaleHoldMillisC() / 1000.0
                + " s)", "", Goal.AT_MOST, 0, "0"));
        r.add(new Row("scale.gotKeepalive", "Scale: monitors that received a server KEEPALIVE in the hold", "",
                Goal.INFO, 0, "info (ours: all)"));
        r.add(new Row("tls.handshakes", "TLS: monitors connected per second (full handshake + hello, "
                + config.tlsMonitors() + ")", "1/s", Goal.INFO, 0, "info (C has no TLS)"));
        r.add(new Row("tls.perMonitor", "TLS: idle RSS per monitor at " + config.tlsMonitors(), "KiB", Goal.INFO, 0,
                "info"));
        r.add(new Row("tlsbulk1.mbps", "TLS: bulk relay, 1 monitor x " + size(config.bulkBytes()), "MB/s", Goal.INFO, 0,
                "info"));
        r.add(new Row("tls.bulkFraction", "TLS: bulk relay as a fraction of plaintext (ours)", "", Goal.INFO, 0,
                "info"));
        return r;
    }

    private static String size(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
            return bytes / (1L << 30) + " GiB";
        }
        return bytes / (1L << 20) + " MiB";
    }

    /** Ours produced no figure: the scenario failed or did not complete (see the notes). */
    static final String NO_RESULT = "NO (no result, see notes)";

    List<Line> lines() {
        List<Line> out = new ArrayList<>();
        for (Row row : rows) {
            double o = ours.get(row.key());
            double cv = c.get(row.key());
            double ratio = cMeasured && cv != 0 ? o / cv : Double.NaN;
            String met = switch (row.goal()) {
                case INFO -> "-";
                case AT_MOST -> Double.isNaN(o) ? NO_RESULT : o <= row.target() ? "yes" : "NO";
                case AT_LEAST -> Double.isNaN(o) ? NO_RESULT : o >= row.target() ? "yes" : "NO";
                case RATIO_AT_LEAST -> Double.isNaN(o) ? NO_RESULT
                        : Double.isNaN(ratio) ? "no C figure" : ratio >= row.target() ? "yes" : "NO";
            };
            out.add(new Line(row, o, cv, ratio, met));
        }
        return out;
    }

    String table() {
        List<Line> lines = lines();
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"figure", "unit", "ours", "C", "ours/C", "goal", "met"});
        for (Line l : lines) {
            cells.add(new String[] {l.row().figure(), l.row().unit(), num(l.ours()), num(l.c()), ratio(l.ratio()),
                    l.row().goalText(), l.met()});
        }
        int[] w = new int[7];
        for (String[] r : cells) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < cells.size(); k++) {
            String[] r = cells.get(k);
            sb.append('|');
            for (int i = 0; i < r.length; i++) {
                String pad = " ".repeat(w[i] - r[i].length());
                sb.append(' ').append(i >= 2 && i <= 4 ? pad + r[i] : r[i] + pad).append(" |");
            }
            sb.append('\n');
            if (k == 0) {
                sb.append('|');
                for (int i = 0; i < r.length; i++) {
                    sb.append(i >= 2 && i <= 4 ? " " + "-".repeat(w[i] - 1) + ": |" : " " + "-".repeat(w[i]) + " |");
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    static String num(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        if (a == Math.rint(a) && a >= 1) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    static String ratio(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "n/a" : String.format(Locale.ROOT, "%.2fx", v);
    }

    /** results.csv, results.json, the charts; returns the chart files written. */
    List<Path> write(Path dir) throws IOException {
        Files.createDirectories(dir);
        StringBuilder csv = new StringBuilder("key,figure,unit,ours,c,ratio,goal,met\n");
        for (Line l : lines()) {
            csv.append(String.join(",", l.row().key(), quote(l.row().figure()), l.row().unit(), csvNum(l.ours()),
                    csvNum(l.c()), csvNum(l.ratio()), quote(l.row().goalText()), l.met())).append('\n');
        }
        Files.writeString(dir.resolve("results.csv"), csv);
        Files.writeString(dir.resolve("results.json"), json());
        List<Path> charts = new ArrayList<>();
        try {
            System.setProperty("java.awt.headless", "true");
            charts.add(rssChart(dir));
            charts.add(latencyChart(dir));
        } catch (RuntimeException | Error e) {
            ours.note("chart not written: " + e);
        }
        return charts;
    }

    private Path rssChart(Path dir) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(560).title("Idle footprint: server RSS vs connected monitors")
                .xAxisTitle("idle monitors connected").yAxisTitle("RSS (MiB)").build();
        for (ServerResults s : List.of(ours, c)) {
            List<double[]> pts = s.series.get("idle.rss");
            if (pts == null || pts.isEmpty()) {
                continue;
            }
            double[] x = pts.stream().mapToDouble(p -> p[0]).toArray();
            double[] y = pts.stream().mapToDouble(p -> p[1] / 1024.0).toArray();
            chart.addSeries(s.label.equals("ours") ? "ours (JVM)" : "C sc_remoted", x, y).setMarker(SeriesMarkers.CIRCLE);
        }
        Path p = dir.resolve("rss-vs-monitors.png");
        BitmapEncoder.saveBitmap(chart, p.toString(), BitmapEncoder.BitmapFormat.PNG);
        return p;
    }

    private Path latencyChart(Path dir) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(560)
                .title("Interactive round trip (64-byte line): percentiles")
                .xAxisTitle("percentile as nines: 0.3 = p50, 1 = p90, 2 = p99, 3 = p99.9")
                .yAxisTitle("milliseconds (log scale)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        double[] x = {Math.log10(2), 1, 2, 3};
        List<String> keys = List.of("rtt.p50", "rtt.p90", "rtt.p99", "rtt.p999");
        int added = 0;
        for (ServerResults s : List.of(ours, c)) {
            double[] y = keys.stream().mapToDouble(s::get).toArray();
            if (java.util.Arrays.stream(y).anyMatch(d -> Double.isNaN(d) || d <= 0)) {
                continue;
            }
            chart.addSeries(s.label.equals("ours") ? "ours (JVM)" : "C sc_remoted", x, y).setMarker(SeriesMarkers.CIRCLE);
            added++;
        }
        Path p = dir.resolve("latency.png");
        if (added > 0) {
            BitmapEncoder.saveBitmap(chart, p.toString(), BitmapEncoder.BitmapFormat.PNG);
        }
        return p;
    }

    private String json() {
        StringBuilder j = new StringBuilder("{\n  \"environment\": {");
        boolean first = true;
        for (var e : environment.entrySet()) {
            j.append(first ? "\n" : ",\n").append("    ").append(jstr(e.getKey())).append(": ").append(jstr(e.getValue()));
            first = false;
        }
        j.append("\n  },\n  \"rows\": [");
        first = true;
        for (Line l : lines()) {
            j.append(first ? "\n" : ",\n").append("    {\"key\": ").append(jstr(l.row().key())).append(", \"figure\": ")
                    .append(jstr(l.row().figure())).append(", \"unit\": ").append(jstr(l.row().unit()))
                    .append(", \"ours\": ").append(jnum(l.ours())).append(", \"c\": ").append(jnum(l.c()))
                    .append(", \"ratio\": ").append(jnum(l.ratio())).append(", \"goal\": ").append(jstr(l.row().goalText()))
                    .append(", \"met\": ").append(jstr(l.met())).append('}');
            first = false;
        }
        j.append("\n  ],\n  \"servers\": {");
        first = true;
        for (ServerResults s : List.of(ours, c)) {
            j.append(first ? "\n" : ",\n").append("    ").append(jstr(s.label)).append(": {\"values\": {");
            boolean f2 = true;
            for (var e : s.values.entrySet()) {
                j.append(f2 ? "" : ", ").append(jstr(e.getKey())).append(": ").append(jnum(e.getValue()));
                f2 = false;
            }
            j.append("}, \"series\": {");
            f2 = true;
            for (var e : s.series.entrySet()) {
                j.append(f2 ? "" : ", ").append(jstr(e.getKey())).append(": [");
                boolean f3 = true;
                for (double[] p : e.getValue()) {
                    j.append(f3 ? "" : ", ").append('[').append(jnum(p[0])).append(", ").append(jnum(p[1])).append(']');
                    f3 = false;
                }
                j.append(']');
                f2 = false;
            }
            j.append("}, \"notes\": [");
            f2 = true;
            for (String n : s.notes) {
                j.append(f2 ? "" : ", ").append(jstr(n));
                f2 = false;
            }
            j.append("]}");
            first = false;
        }
        j.append("\n  }\n}\n");
        return j.toString();
    }

    private static String csvNum(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }

    private static String jnum(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "null" : String.format(Locale.ROOT, "%.6g", v);
    }

    private static String quote(String s) {
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private static String jstr(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (ch < 0x20) {
                        b.append(String.format("\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
