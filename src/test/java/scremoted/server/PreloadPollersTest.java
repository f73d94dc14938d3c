package scremoted.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * In a fresh JVM nothing has started the JDK's I/O pollers yet; {@link Preload#all} starts them, so
 * that they are never first created at a moment when descriptors are exhausted (which would break
 * every later wait on a socket for good).
 */
@Timeout(60)
class PreloadPollersTest {
    /** Run in a child JVM: whether poller threads exist before and after the preload. */
    public static void main(String[] args) throws IOException {
        System.out.println("before " + pollersRunning());
        Preload.all();
        System.out.println("after " + pollersRunning());
    }

    private static boolean pollersRunning() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().contains("Poller"));
    }

    @Test
    void preloadStartsTheIoPollers() throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classpath, PreloadPollersTest.class.getName())
                .redirectErrorStream(true).start();
        child.getOutputStream().close();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        child.waitFor(30, TimeUnit.SECONDS);
        assertEquals(List.of("before false", "after true"), output.lines().toList(), output);
    }
}
