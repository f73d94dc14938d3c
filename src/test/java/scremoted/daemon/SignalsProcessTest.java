package scremoted.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Signals to a foreground server, checked by their effects on files and on a connected monitor. */
@Timeout(60)
class SignalsProcessTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM"})
    void terminatingSignalsAreGracefulAfterHupAndPipeAreSurvived(String signal) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("u"));
        Path pidFile = tmp.resolve("p.pid");
        int port = ServerProcess.freePort();
        Process server = new ProcessBuilder(ServerProcess.command("-P", "127.0.0.1:" + port, "-U", dir.toString(),
                "-e", pidFile.toString())).redirectErrorStream(true).start();
        try {
            assertTrue(ServerProcess.poll(Duration.ofSeconds(20), () -> Files.exists(pidFile)), "server up");
            assertEquals(server.pid() + "\n", Files.readString(pidFile), "the serving process's pid");
            try (ServerProcess.Monitor monitor = new ServerProcess.Monitor(port, "sig.vp")) {
                Path socket = monitor.socketIn(dir, "sig.vp");
                assertTrue(ServerProcess.poll(Duration.ofSeconds(5), () -> Files.exists(socket)));

                kill("HUP", server.pid());
                kill("PIPE", server.pid());
                Thread.sleep(300);
                assertTrue(server.isAlive(), "SIGHUP and SIGPIPE do not end the server");
                try (ServerProcess.Monitor second = new ServerProcess.Monitor(port, "sig2.vp")) {
                    assertTrue(ServerProcess.poll(Duration.ofSeconds(5), () -> Files.exists(second.socketIn(dir, "sig2.vp"))),
                            "still serving after SIGHUP and SIGPIPE");
                }

                kill(signal, server.pid());
                assertTrue(server.waitFor(20, TimeUnit.SECONDS));
                assertEquals(0, server.exitValue(), new String(server.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                assertFalse(Files.exists(socket), "socket removed");
                assertFalse(Files.exists(pidFile), "pidfile removed");
                assertEquals(0, Files.list(dir).count(), "-U directory empty");
                assertTrue(monitor.closedByServer(), "monitor disconnected");
            }
        } finally {
            server.destroyForcibly();
        }
    }

    private static void kill(String signal, long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor());
    }
}
