package scremoted.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** -D and -e with the server in separate processes, checked by their effects. */
@Timeout(60)
class DaemonProcessTest {
    @TempDir
    Path tmp;

    private long daemonPid = -1;

    @AfterEach
    void killLeftovers() {
        if (daemonPid > 0) {
            ProcessHandle.of(daemonPid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void daemonDetachesServesAndCleansUpOnSigterm() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("u"));
        Path pidFile = tmp.resolve("sc_remoted.pid");
        int port = ServerProcess.freePort();

        ServerProcess.Result start = ServerProcess.run(Duration.ofSeconds(30),
                "-D", "-P", "127.0.0.1:" + port, "-U", dir.toString(), "-e", pidFile.toString(), "-O", "debug");
        assertEquals(0, start.exit(), "invoking process: " + start.stderr());
        assertTrue(Files.exists(pidFile), "pidfile written before the invoking process returned");
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(pidFile)));
        daemonPid = Long.parseLong(Files.readString(pidFile).strip());
        Optional<ProcessHandle> daemon = ProcessHandle.of(daemonPid);
        assertTrue(daemon.isPresent() && daemon.get().isAlive(), "the pidfile names a live process");
        assertEquals(daemonPid, ServerProcess.sessionOf(daemonPid), "the daemon leads a session of its own");
        assertNotEquals(ServerProcess.sessionOf(ProcessHandle.current().pid()), ServerProcess.sessionOf(daemonPid));
        assertTrue(daemon.get().parent().map(p -> p.pid() != ProcessHandle.current().pid()).orElse(true),
                "the daemon is not our child");
        for (int fd = 0; fd <= 2; fd++) {
            assertEquals(Path.of("/dev/null"), Files.readSymbolicLink(Path.of("/proc", "" + daemonPid, "fd", "" + fd)),
                    "fd " + fd + " of the daemon");
        }

        try (ServerProcess.Monitor monitor = new ServerProcess.Monitor(port, "daemon.vp")) {
            Path socket = monitor.socketIn(dir, "daemon.vp");
            assertTrue(ServerProcess.poll(Duration.ofSeconds(5), () -> Files.exists(socket)), "socket " + socket);

            new ProcessBuilder("kill", "-TERM", Long.toString(daemonPid)).start().waitFor();
            assertTrue(daemon.get().onExit().get(20, java.util.concurrent.TimeUnit.SECONDS) != null);
            assertFalse(Files.exists(pidFile), "pidfile removed");
            assertFalse(Files.exists(socket), "socket removed");
            assertTrue(monitor.closedByServer(), "the monitor was disconnected");
        }
        daemonPid = -1;
    }

    @Test
    void daemonStartupFailuresReachTheInvokingTerminal() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("u"));
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            ServerProcess.Result r = ServerProcess.run(Duration.ofSeconds(30),
                    "-D", "-P", "127.0.0.1:" + taken.getLocalPort(), "-U", dir.toString());
            assertEquals(1, r.exit());
            assertTrue(r.stderr().contains("Address already in use"), r.stderr());
        }

        ServerProcess.Result missingDir = ServerProcess.run(Duration.ofSeconds(30),
                "-D", "-P", "127.0.0.1:" + ServerProcess.freePort(), "-U", tmp.resolve("missing").toString());
        assertEquals(255, missingDir.exit());
        assertTrue(missingDir.stderr().contains("is not a directory"), missingDir.stderr());

        Path cert = Files.writeString(tmp.resolve("cert.pem"), "not a certificate\n");
        Path key = Files.writeString(tmp.resolve("key.pem"), "not a key\n");
        ServerProcess.Result badKey = ServerProcess.run(Duration.ofSeconds(30),
                "-D", "-P", "127.0.0.1:" + ServerProcess.freePort(), "-U", dir.toString(), "-c", cert.toString(),
                "-p", key.toString());
        assertEquals(1, badKey.exit(), badKey.stderr());
        assertTrue(badKey.stderr().contains("pem"), "the reason names the file: " + badKey.stderr());
        assertEquals(0, Files.list(dir).count(), "nothing left behind");
    }

    @Test
    void pidFileOfADeadProcessIsReplacedAndOfALiveServerRefused() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("u"));
        Path pidFile = tmp.resolve("p.pid");
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Files.writeString(pidFile, dead.pid() + "\n");
        int port = ServerProcess.freePort();
        ServerProcess.Result start = ServerProcess.run(Duration.ofSeconds(30),
                "-D", "-P", "127.0.0.1:" + port, "-U", dir.toString(), "-e", pidFile.toString());
        assertEquals(0, start.exit(), start.stderr());
        daemonPid = Long.parseLong(Files.readString(pidFile).strip());
        assertNotEquals(dead.pid(), daemonPid);

        ServerProcess.Result second = ServerProcess.run(Duration.ofSeconds(30),
                "-P", "127.0.0.1:" + ServerProcess.freePort(), "-U", dir.toString(), "-e", pidFile.toString());
        assertEquals(1, second.exit());
        assertTrue(second.stderr().contains("names sc_remoted process " + daemonPid), second.stderr());
        assertEquals(daemonPid + "\n", Files.readString(pidFile), "the live server's pidfile is untouched");

        ProcessHandle daemon = ProcessHandle.of(daemonPid).orElseThrow();
        new ProcessBuilder("kill", "-INT", Long.toString(daemonPid)).start().waitFor();
        daemon.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertFalse(Files.exists(pidFile));
        daemonPid = -1;
    }
}
