package scremoted.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark harness works: tiny sizes, both servers when the C one is installed. Asserts that
 * every scenario produced its numbers and that the table has every row; never a speed or memory goal.
 */
class BenchSmokeTest {
    @Test
    void everyScenarioProducesNumbers(@TempDir Path out) throws Exception {
        Path cBinary = ServerUnderTest.findCServer();
        ServerUnderTest.Kind ours = ServerUnderTest.Kind.oursClasspath(System.getProperty("java.class.path"), List.of());
        ServerUnderTest.Kind c = cBinary == null ? null : ServerUnderTest.Kind.c(cBinary);
        Bench.Plan plan = new Bench.Plan(Scenarios.Config.smoke(), ours, c, out,
                new LinkedHashSet<>(Bench.ALL_SCENARIOS));
        Results results = Bench.run(plan, line -> System.out.println(line));
        System.out.print(results.table());

        List<String> measured = List.of("rtt.p50", "rtt.p99", "bulk1.mbps", "bulkN.mbps", "bulk1.cpuPerGB",
                "idle.perMonitor.20", "idle.perMonitor.50", "scale.connected", "scale.rate", "scale.lost");
        for (Results.ServerResults s : c == null ? List.of(results.ours) : List.of(results.ours, results.c)) {
            for (String key : measured) {
                assertFalse(Double.isNaN(s.get(key)), s.label + " has no " + key + "; notes: " + s.notes);
            }
            assertEquals(Scenarios.Config.smoke().scaleMonitors(), s.get("scale.connected"), s.label + " notes: " + s.notes);
        }
        for (String key : List.of("tls.handshakes", "tls.perMonitor", "tlsbulk1.mbps", "tls.bulkFraction")) {
            assertFalse(Double.isNaN(results.ours.get(key)), "ours has no " + key + "; notes: " + results.ours.notes);
        }
        String table = results.table();
        for (Results.Row row : results.rows) {
            assertTrue(table.contains(row.figure()), "table lacks " + row.figure());
        }
        assertEquals(results.rows.size() + 2, table.lines().count());
        for (String f : List.of("results.csv", "results.json", "table.md", "rss-vs-monitors.png", "latency.png")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        assertEquals(results.rows.size() + 1, Files.readAllLines(out.resolve("results.csv")).size());
    }
}
