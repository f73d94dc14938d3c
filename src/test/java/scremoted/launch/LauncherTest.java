package scremoted.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The entry point on a runtime older than 24 refuses with a clear message; on ours it runs. */
class LauncherTest {
    private static final String CLASSES = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));

    private static Optional<Path> oldJava() throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            List<Path> javas = homes.map(h -> h.resolve("bin/java")).filter(Files::isExecutable)
                    .filter(j -> featureOf(j) < Launcher.MIN_RUNTIME).sorted(Comparator.naturalOrder()).toList();
            return javas.stream().findFirst();
        }
    }

    private static int featureOf(Path java) {
        try {
            Process p = new ProcessBuilder(java.toString(), "-version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(20, TimeUnit.SECONDS);
            Matcher m = Pattern.compile("version \"(1\\.)?(\\d+)").matcher(out);
            return m.find() ? Integer.parseInt(m.group(2)) : Integer.MAX_VALUE;
        } catch (IOException | InterruptedException e) {
            return Integer.MAX_VALUE;
        }
    }

    private static Result run(String java) throws Exception {
        Process p = new ProcessBuilder(java, "-cp", CLASSES, "scremoted.launch.Launcher", "-v").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out, err);
    }

    private record Result(int exit, String out, String err) {}

    @Test
    void anOldRuntimeIsTurnedAwayWithAClearMessage() throws Exception {
        Optional<Path> old = oldJava();
        Assumptions.assumeTrue(old.isPresent(), "no Java older than 24 under /usr/lib/jvm");
        Result r = run(old.get().toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().startsWith("sc_remoted: needs Java 24 or newer to run, this is Java "), r.err());
        assertTrue(r.out().isEmpty());
    }

    @Test
    void theCurrentRuntimeRuns() throws Exception {
        Result r = run(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("sc_remoted version "), r.out());
    }
}
