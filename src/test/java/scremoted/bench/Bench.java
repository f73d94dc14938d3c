package scremoted.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Measures our server against the C sc_remoted: each server in turn, started as a separate process
 * with the same options, through every scenario; prints the table and writes results.csv,
 * results.json and the charts. See packaging/bench.
 *
 * <p>Options: {@code --jar PATH} (ours from that jar; default: this JVM's class path),
 * {@code --c PATH|none} (default: the C binary found on this machine), {@code --out DIR}
 * (default target/bench), {@code --smoke} (tiny sizes), {@code --only rtt,bulk,idle,scale},
 * {@code --servers ours,c}, {@code --unix-base DIR} (where the -U directories are made; default
 * /dev/shm, else /tmp). Extra JVM options for our server: environment variable
 * SC_REMOTED_JAVA_OPTS (e.g. a JFR recording), as for packaging/sc_remoted.
 */
public final class Bench {
    static final List<String> ALL_SCENARIOS = List.of("rtt", "bulk", "idle", "scale", "tls");

    private Bench() {}

    /** What to run, and where. */
    record Plan(Scenarios.Config config, ServerUnderTest.Kind ours, ServerUnderTest.Kind c, Path out,
            Set<String> scenarios) {}

    public static void main(String[] args) throws Exception {
        Path jar = null;
        String cArg = null;
        Path out = Scenarios.defaultOut();
        boolean smoke = false;
        Set<String> only = new LinkedHashSet<>(ALL_SCENARIOS);
        Set<String> servers = new LinkedHashSet<>(List.of("ours", "c"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jar" -> jar = Path.of(args[++i]);
                case "--c" -> cArg = args[++i];
                case "--out" -> out = Path.of(args[++i]);
                case "--unix-base" -> System.setProperty("bench.unixBase", args[++i]);
                case "--smoke" -> smoke = true;
                case "--only" -> only = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
                case "--servers" -> servers = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
                default -> {
                    System.err.println("bench: unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        List<String> javaOpts = javaOpts();
        ServerUnderTest.Kind ours = !servers.contains("ours") ? null
                : jar != null ? ServerUnderTest.Kind.oursJar(jar, javaOpts)
                : ServerUnderTest.Kind.oursClasspath(System.getProperty("java.class.path"), javaOpts);
        Path cPath = "none".equals(cArg) ? null : cArg != null ? Path.of(cArg) : ServerUnderTest.findCServer();
        ServerUnderTest.Kind c = servers.contains("c") && cPath != null ? ServerUnderTest.Kind.c(cPath) : null;
        Plan plan = new Plan(smoke ? Scenarios.Config.smoke() : Scenarios.Config.full(), ours, c, out, only);
        long t0 = System.nanoTime();
        Results results = run(plan, line -> System.out.println("[" + LocalDateTime.now().toLocalTime().withNano(0) + "] " + line));
        System.out.println();
        System.out.print(results.table());
        for (Results.ServerResults s : List.of(results.ours, results.c)) {
            for (String n : s.notes) {
                System.out.println("note (" + s.label + "): " + n);
            }
        }
        System.out.printf("%nwhole run: %.0f s; files in %s%n", (System.nanoTime() - t0) / 1e9, out.toAbsolutePath());
        System.exit(0);
    }

    /** SC_REMOTED_JAVA_OPTS, split on spaces. */
    static List<String> javaOpts() {
        String v = System.getenv("SC_REMOTED_JAVA_OPTS");
        List<String> l = new ArrayList<>();
        if (v != null) {
            for (String s : v.trim().split("\\s+")) {
                if (!s.isEmpty()) {
                    l.add(s);
                }
            }
        }
        return l;
    }

    /** Runs every planned scenario on ours, then on C; writes the files; returns the results. */
    static Results run(Plan plan, Consumer<String> log) throws IOException, InterruptedException {
        Results results = new Results();
        results.rows.addAll(Results.rowsFor(plan.config()));
        environment(results, plan);
        Scenarios sc = new Scenarios(plan.config(), log);
        if (plan.ours() != null) {
            runServer(plan, plan.ours(), results.ours, sc, log);
        }
        if (plan.c() != null) {
            results.cMeasured = true;
            runServer(plan, plan.c(), results.c, sc, log);
        } else {
            results.c.note("C server not measured (not installed, or not asked for)");
        }
        List<Path> charts = results.write(plan.out());
        Files.writeString(plan.out().resolve("table.md"), results.table());
        log.accept("wrote " + plan.out().resolve("results.csv") + ", results.json, table.md, " + charts);
        return results;
    }

    private static void runServer(Plan plan, ServerUnderTest.Kind kind, Results.ServerResults r, Scenarios sc,
            Consumer<String> log) throws InterruptedException {
        Scenarios.Config cfg = plan.config();
        if (plan.scenarios().contains("rtt") || plan.scenarios().contains("bulk")) {
            attempt(r, log, "rtt+bulk", () -> {
                try (ServerUnderTest s = ServerUnderTest.start(kind, plan.out(), "relay", List.of())) {
                    log.accept(kind.label() + " server pid " + s.pid() + " on port " + s.port);
                    if (plan.scenarios().contains("rtt")) {
                        attempt(r, log, "rtt", () -> sc.roundTrip(s, r));
                    }
                    if (plan.scenarios().contains("bulk")) {
                        attempt(r, log, "bulk1", () -> sc.bulk(s, r, "bulk1", 1, cfg.bulkBytes()));
                        attempt(r, log, "bulkN", () -> sc.bulk(s, r, "bulkN", cfg.multiMonitors(), cfg.multiBytes()));
                    }
                    r.put("relay.alive", s.alive() ? 1 : 0);
                    r.put("relay.peakRss", s.peakRssKiB());
                }
            });
        }
        if (plan.scenarios().contains("idle")) {
            attempt(r, log, "idle", () -> {
                try (ServerUnderTest s = ServerUnderTest.start(kind, plan.out(), "idle", List.of())) {
                    sc.idle(s, r);
                }
            });
        }
        if (plan.scenarios().contains("scale")) {
            attempt(r, log, "scale", () -> {
                List<String> props = kind.jvm() ? List.of("-Dsc_remoted.millisPerSecond=" + cfg.oursMillisPerSecond())
                        : List.of();
                try (ServerUnderTest s = ServerUnderTest.start(kind, plan.out(), "scale", props)) {
                    sc.scale(s, r, kind.jvm());
                }
            });
        }
        if (plan.scenarios().contains("tls")) {
            if (!kind.jvm()) {
                r.note("tls: not measured: this C sc_remoted has no TLS (-c/-p)");
                return;
            }
            attempt(r, log, "tls", () -> {
                BenchPki pki = BenchPki.create(plan.out().resolve("pki"));
                try (ServerUnderTest s = ServerUnderTest.start(kind, plan.out(), "tls", List.of(), pki)) {
                    sc.tls(s, r);
                }
            });
        }
    }

    interface Step {
        void run() throws Exception;
    }

    /** Runs one scenario; a failure is noted (its figures stay n/a) and the run goes on. */
    private static void attempt(Results.ServerResults r, Consumer<String> log, String what, Step step)
            throws InterruptedException {
        try {
            step.run();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            r.note(what + " failed: " + e);
            log.accept(r.label + " " + what + " FAILED: " + e);
        }
    }

    private static void environment(Results results, Plan plan) {
        var env = results.environment;
        env.put("date", LocalDateTime.now().withNano(0).toString());
        env.put("nproc", Integer.toString(Runtime.getRuntime().availableProcessors()));
        env.put("cpu", firstLine("/proc/cpuinfo", "model name"));
        env.put("memory", firstLine("/proc/meminfo", "MemTotal"));
        env.put("jdk", System.getProperty("java.vm.name") + " " + Runtime.version());
        env.put("ours", plan.ours() == null ? "not run" : String.join(" ", plan.ours().prefix()));
        env.put("c", plan.c() == null ? "not run" : String.join(" ", plan.c().prefix()) + " (scamper "
                + debianVersion("scamper") + ")");
        env.put("unixBase", ServerUnderTest.unixBase().toString());
        env.put("config", plan.config().toString().replaceAll("idleSteps=\\[I@[0-9a-f]+",
                "idleSteps=" + Arrays.toString(plan.config().idleSteps())));
    }

    private static String firstLine(String file, String prefix) {
        try {
            for (String l : Files.readAllLines(Path.of(file))) {
                if (l.startsWith(prefix)) {
                    return l.substring(l.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // unknown
        }
        return "unknown";
    }

    private static String debianVersion(String pkg) {
        try {
            Process p = new ProcessBuilder("dpkg-query", "-W", "-f=${Version}", pkg).redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 ? v : "unknown";
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }
}
