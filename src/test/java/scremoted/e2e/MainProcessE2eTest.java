package scremoted.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** sc_remoted as its own JVM (scremoted.Main): real scamper connects, SIGTERM ends it cleanly. */
@Timeout(60)
class MainProcessE2eTest extends E2eBase {

    @Test
    void sigtermExitsZeroAndRemovesSocket() throws Exception {
        Path dir = dir("u");
        int port = E2e.freePort();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-cp", cp,
                "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "scremoted.Main", "-P", "127.0.0.1:" + port, "-U", dir.toString(), "-O", "debug"));
        Path log = tmp.resolve("main.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        others.add(() -> {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        });
        java.util.function.Supplier<String> d = () -> "\n--- " + String.join(" ", cmd) + "\n--- scremoted.Main output (" + (p.isAlive() ? "running"
                : "exited " + p.exitValue()) + ") ---\n" + E2e.read(log) + diag();

        if (!E2e.poll(Duration.ofSeconds(20), () -> E2e.listening(port) || !p.isAlive()) || !p.isAlive()) {
            fail("scremoted.Main did not listen on " + port + d.get());
        }
        scamper("127.0.0.1:" + port, "proc.vp");
        Path sock = E2e.awaitSocket(dir, "proc.vp", "127.0.0.1:", d);
        E2e.assertOnePingReply(json(pingAndDone(connect(sock), "127.0.0.1"), "proc.warts"), "127.0.0.1", d);

        p.destroy(); // SIGTERM
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
            fail("scremoted.Main still running 15 s after SIGTERM" + d.get());
        }
        assertEquals(0, p.exitValue(), "exit status after SIGTERM" + d.get());
        assertTrue(!Files.exists(sock, LinkOption.NOFOLLOW_LINKS),
                "socket " + sock + " left behind after SIGTERM" + d.get());
        assertEquals(List.of(), E2e.listNames(dir), "files left in -U dir" + d.get());
    }
}
