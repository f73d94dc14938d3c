package scremoted.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** The scenarios, each against one running server; results go into a {@link Results}. */
final class Scenarios {
    /** Sizes and bounds of one run: {@link #full()} for packaging/bench, {@link #smoke()} for the test. */
    record Config(int roundTrips, int warmupRoundTrips, long roundTripSeconds, long bulkBytes, int multiMonitors,
            long multiBytes, int[] idleSteps, int scaleMonitors, int connectParallel, long scaleHoldMillisOurs,
            long scaleHoldMillisC, long oursMillisPerSecond, long bulkSeconds, int bulkRepeats, int tlsMonitors, long settleMillis) {
        static Config full() {
            return new Config(10_000, 20_000, 30, 1L << 30, 100, 20L << 20,
                    new int[] {0, 500, 1000, 2000, 3000, 4000, 5000}, 5000, 200, 6_000, 5_000, 100, 120, 5, 1000, 2000);
        }

        static Config smoke() {
            return new Config(300, 100, 2, 16L << 20, 5, 2L << 20, new int[] {0, 20, 50}, 50, 20, 1_500, 1_000, 100,
                    30, 1, 20, 300);
        }
    }

    /** Unmeasured bulk runs before the measured ones. */
    private static final int BULK_WARMUPS = 2;

    private final Config config;
    private final Consumer<String> log;

    Scenarios(Config config, Consumer<String> log) {
        this.config = config;
        this.log = log;
    }

    /** 1: a 64-byte line from a unix client, echoed by the monitor, read back; percentiles in ms. */
    void roundTrip(ServerUnderTest server, Results.ServerResults r) throws Exception {
        try (Fleet fleet = new Fleet(server, "rtt", 10_000)) {
            if (fleet.connect(1, 1, 10_000) != 1) {
                throw new IOException("monitor did not connect: " + fleet.failures());
            }
            SimMonitor m = fleet.monitors().get(0);
            try (UnixClient client = UnixClient.connect(server.dir.resolve(m.socketName()))) {
                byte[] line = new byte[64];
                Arrays.fill(line, (byte) 'x');
                line[63] = '\n';
                ByteBuffer out = ByteBuffer.wrap(line);
                ByteBuffer in = ByteBuffer.allocate(64);
                long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(1, config.roundTripSeconds() / 3));
                for (int i = 0; i < config.warmupRoundTrips() && System.nanoTime() < warmEnd; i++) {
                    out.clear();
                    client.write(out);
                    in.clear();
                    client.readFully(in);
                }
                long[] samples = new long[config.roundTrips()];
                int n = 0;
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(config.roundTripSeconds());
                while (n < samples.length && System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    out.clear();
                    client.write(out);
                    in.clear();
                    client.readFully(in);
                    samples[n++] = System.nanoTime() - t0;
                }
                long[] s = Arrays.copyOf(samples, n);
                Arrays.sort(s);
                r.put("rtt.n", n);
                r.put("rtt.p50", pct(s, 0.50) / 1e6);
                r.put("rtt.p90", pct(s, 0.90) / 1e6);
                r.put("rtt.p99", pct(s, 0.99) / 1e6);
                r.put("rtt.p999", pct(s, 0.999) / 1e6);
                r.put("rtt.max", s.length == 0 ? Double.NaN : s[s.length - 1] / 1e6);
                log.accept(String.format("%s rtt: n=%d p50=%.3f ms p99=%.3f ms", r.label, n, r.get("rtt.p50"),
                        r.get("rtt.p99")));
            }
        }
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /**
     * 2 and 6: each of {@code monitors} monitors floods {@code bytes} to one unix client that reads
     * as fast as it can. Aggregate MB/s (10^6 bytes) and the server's CPU seconds per GB (10^9):
     * the medians of {@code bulkRepeats} runs (loopback throughput on 2 cores is noisy), after
     * {@link #BULK_WARMUPS} warm-up runs of the same size, the first of which is reported on its
     * own: a JVM compiles its hot paths during the first seconds of traffic (on 2 busy cores), and
     * a long-running server is measured warm.
     */
    void bulk(ServerUnderTest server, Results.ServerResults r, String key, int monitors, long bytes) throws Exception {
        for (int w = 0; w < BULK_WARMUPS; w++) {
            Results.ServerResults warm = new Results.ServerResults(r.label);
            bulkOnce(server, warm, key, monitors, bytes, -w);
            warm.notes.forEach(r::note);
            if (w == 0) {
                r.put(key + ".warmupMbps", warm.get(key + ".mbps"));
            }
        }
        List<Double> mbps = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        for (int i = 0; i < config.bulkRepeats(); i++) {
            Results.ServerResults one = new Results.ServerResults(r.label);
            bulkOnce(server, one, key, monitors, bytes, i + 1);
            one.notes.forEach(r::note);
            mbps.add(one.get(key + ".mbps"));
            cpu.add(one.get(key + ".cpuPerGB"));
            r.series(key + ".mbps", i + 1, one.get(key + ".mbps"));
            r.put(key + ".complete", one.get(key + ".complete"));
        }
        r.put(key + ".mbps", median(mbps));
        r.put(key + ".cpuPerGB", median(cpu));
    }

    /** The median; NaN if any is NaN (a run that did not complete). */
    static double median(List<Double> v) {
        if (v.isEmpty() || v.stream().anyMatch(d -> d.isNaN())) {
            return Double.NaN;
        }
        List<Double> s = v.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private void bulkOnce(ServerUnderTest server, Results.ServerResults r, String key, int monitors, long bytes, int run)
            throws Exception {
        try (Fleet fleet = new Fleet(server, key.replace('.', '-'), 10_000)) {
            int ok = fleet.connect(monitors, Math.min(monitors, 50), 30_000);
            if (ok != monitors) {
                throw new IOException(ok + " of " + monitors + " monitors connected: " + fleet.failures());
            }
            List<UnixClient> clients = new ArrayList<>();
            try {
                for (SimMonitor m : fleet.monitors()) {
                    clients.add(UnixClient.connect(server.dir.resolve(m.socketName())));
                }
                AtomicLong received = new AtomicLong();
                long cpu0 = server.cpuTicks();
                long t0 = System.nanoTime();
                List<Future<Long>> done = new ArrayList<>();
                try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (UnixClient c : clients) {
                        done.add(ex.submit(() -> {
                            c.write(SimMonitor.FLOOD + bytes + "\n");
                            long got = c.drain(bytes, ByteBuffer.allocateDirect(256 << 10));
                            received.addAndGet(got);
                            return got;
                        }));
                    }
                    ex.shutdown();
                    if (!ex.awaitTermination(config.bulkSeconds(), TimeUnit.SECONDS)) {
                        log.accept(r.label + " " + key + ": time limit of " + config.bulkSeconds() + " s reached");
                        clients.forEach(UnixClient::close);
                    }
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                long cpu1 = server.cpuTicks();
                long total = received.get();
                int complete = 0;
                for (Future<Long> f : done) {
                    if (f.state() == Future.State.SUCCESS && f.resultNow() == bytes) {
                        complete++;
                    }
                }
                r.put(key + ".complete", complete);
                r.put(key + ".bytes", total);
                r.put(key + ".seconds", seconds);
                boolean all = complete == monitors;
                r.put(key + ".mbps", all ? total / 1e6 / seconds : Double.NaN);
                double cpu = ServerUnderTest.ticksToSeconds(cpu1 - cpu0);
                r.put(key + ".cpu", cpu);
                r.put(key + ".cpuPerGB", all ? cpu / (total / 1e9) : Double.NaN);
                log.accept(String.format("%s %s run %s: %d/%d flows complete, %.1f MB in %.2f s = %.1f MB/s, server CPU %.2f s",
                        r.label, key, run <= 0 ? "warm-up " + (1 - run) : String.valueOf(run), complete, monitors, total / 1e6, seconds, total / 1e6 / seconds, cpu));
                if (!all) {
                    r.note(key + ": only " + complete + " of " + monitors + " flows complete ("
                            + total / 1_000_000 + " MB arrived); lost monitors: " + fleet.lost().size()
                            + (fleet.lost().isEmpty() ? "" : " (" + fleet.lost().get(0).lost() + ")"));
                }
            } finally {
                clients.forEach(UnixClient::close);
            }
        }
    }

    /**
     * 5: TLS (ours only): full handshakes per second (TLS connect, handshake, hello: what a
     * reconnecting fleet costs), the idle footprint per TLS monitor, and bulk relay over TLS.
     */
    void tls(ServerUnderTest server, Results.ServerResults r) throws Exception {
        warmUp(server, "tw", Math.max(10, config.tlsMonitors() / 10));
        try (Fleet fleet = new Fleet(server, "tls", 10_000)) {
            server.settle(config.settleMillis() * 3 / 2);
            long rss0 = server.rssKiB();
            long t0 = System.nanoTime();
            int ok = fleet.connect(config.tlsMonitors(), 50, 120_000);
            double seconds = (System.nanoTime() - t0) / 1e9;
            r.put("tls.connected", ok);
            r.put("tls.handshakes", ok / seconds);
            if (ok != config.tlsMonitors()) {
                r.note("tls: " + ok + " of " + config.tlsMonitors() + " connected: " + first(fleet.failures()));
            }
            server.settle(config.settleMillis());
            long rss1 = server.rssKiB();
            r.put("tls.perMonitor", ok > 0 ? (double) (rss1 - rss0) / ok : Double.NaN);
            log.accept(String.format("%s tls: %d monitors in %.2f s = %.0f handshakes/s; RSS %d -> %d KiB", r.label, ok,
                    seconds, ok / seconds, rss0, rss1));
        }
        bulk(server, r, "tlsbulk1", 1, config.bulkBytes());
        r.put("tls.bulkFraction", r.get("tlsbulk1.mbps") / r.get("bulk1.mbps"));
    }

    /** 3: resident memory with 0, ..., N idle monitors connected; after a settle (ours: a full GC). */
    void idle(ServerUnderTest server, Results.ServerResults r) throws Exception {
        try (Fleet fleet = new Fleet(server, "idle", 10_000)) {
            for (int step : config.idleSteps()) {
                int more = step - fleet.size();
                if (more > 0) {
                    int ok = fleet.connect(more, config.connectParallel(), 120_000);
                    if (ok != more) {
                        r.note("idle: " + ok + " of " + more + " monitors connected at step " + step + ": "
                                + first(fleet.failures()));
                    }
                }
                server.settle(step == 0 ? config.settleMillis() * 3 / 2 : config.settleMillis());
                long rss = server.rssKiB();
                r.series("idle.rss", step, rss);
                r.put("idle.rss." + step, rss);
                r.put("idle.fds." + step, server.openFiles());
                log.accept(String.format("%s idle: %d monitors (%d connected, %d lost): RSS %d KiB, %d fds", r.label,
                        step, fleet.size(), fleet.lost().size(), rss, server.openFiles()));
            }
            double base = r.get("idle.rss.0");
            for (int step : config.idleSteps()) {
                if (step > 0) {
                    r.put("idle.perMonitor." + step, (r.get("idle.rss." + step) - base) / step);
                }
            }
            r.put("idle.lost", fleet.lost().size());
        }
    }

    /**
     * 4: N monitors connect (at most connectParallel hellos in flight), after a warm-up burst of N
     * (connected, then dropped) on the fresh server, whose rate is reported on its own: a JVM
     * compiles its connection path during the first thousands of connections; the rate;
     * then all stay connected through the hold (ours: a shortened "minute" with keepalives both ways).
     */
    void scale(ServerUnderTest server, Results.ServerResults r, boolean shortenedTimers) throws Exception {
        long keepaliveMillis = shortenedTimers ? Math.max(200, 10 * config.oursMillisPerSecond()) : 10_000;
        r.put("scale.coldRate", warmUp(server, "sw", config.scaleMonitors()));
        try (Fleet fleet = new Fleet(server, "s", keepaliveMillis)) {
            long cpu0 = server.cpuTicks();
            long t0 = System.nanoTime();
            int ok = fleet.connect(config.scaleMonitors(), config.connectParallel(), 180_000);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpu = ServerUnderTest.ticksToSeconds(server.cpuTicks() - cpu0);
            r.put("scale.connected", ok);
            r.put("scale.rate", ok / seconds);
            r.put("scale.cpuMicros", cpu * 1e6 / Math.max(1, ok));
            r.put("scale.fds", server.openFiles());
            if (ok != config.scaleMonitors()) {
                r.note("scale: " + ok + " of " + config.scaleMonitors() + " connected: " + first(fleet.failures()));
            }
            log.accept(String.format("%s scale: %d monitors in %.2f s = %.0f/s, server CPU %.2f s; server fds %d",
                    r.label, ok, seconds, ok / seconds, cpu, server.openFiles()));
            long hold = shortenedTimers ? config.scaleHoldMillisOurs() : config.scaleHoldMillisC();
            Thread.sleep(hold);
            List<SimMonitor> lost = fleet.lost();
            r.put("scale.lost", lost.size());
            r.put("scale.holdSeconds", hold / 1000.0);
            long gotKeepalive = fleet.monitors().stream().filter(m -> m.keepalivesReceived() > 0).count();
            r.put("scale.gotKeepalive", gotKeepalive);
            r.put("scale.rss", server.rssKiB());
            if (!lost.isEmpty()) {
                r.note("scale: " + lost.size() + " sessions lost during the hold, e.g. " + lost.get(0).lost());
            }
            log.accept(String.format("%s scale: after %.1f s hold: %d lost, %d received a server KEEPALIVE", r.label,
                    hold / 1000.0, lost.size(), gotKeepalive));
        }
    }

    /**
     * Connects and drops n monitors, before the measured burst: both the server and this generator
     * run the hello path compiled, not interpreted, when the measured burst starts (the generator
     * JVM is colder for the first server measured than for the second otherwise).
     *
     * @return the warm-up burst's rate, monitors connected per second
     */
    private double warmUp(ServerUnderTest server, String prefix, int n) throws InterruptedException {
        double rate;
        try (Fleet warm = new Fleet(server, prefix, 10_000)) {
            long t0 = System.nanoTime();
            int ok = warm.connect(n, config.connectParallel(), 60_000);
            rate = ok / ((System.nanoTime() - t0) / 1e9);
        }
        Thread.sleep(config.settleMillis() / 2);
        return rate;
    }

    private static String first(List<String> l) {
        return l.isEmpty() ? "" : l.get(0) + (l.size() > 1 ? " (+" + (l.size() - 1) + " more)" : "");
    }

    static Path defaultOut() {
        return Path.of("target", "bench");
    }
}
