package scremoted.daemon;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scremoted.wire.Control;
import scremoted.wire.Messages;

/**
 * Running out of descriptors (a server started under a small open-files limit, flooded with
 * monitors) must not turn the accept loop into a busy spin, and the server serves again once
 * descriptors are free.
 */
@Timeout(90)
class DescriptorExhaustionTest {
    @TempDir
    Path tmp;

    @Test
    void outOfDescriptorsBacksOffAndRecovers() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("u"));
        int port = ServerProcess.freePort();
        String command = String.join(" ", ServerProcess.command("-P", "127.0.0.1:" + port, "-U", dir.toString())
                .stream().map(a -> "'" + a + "'").toList());
        Process server = new ProcessBuilder("sh", "-c", "ulimit -n 128; exec " + command)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("server.log").toFile()).start();
        List<Socket> flood = new ArrayList<>();
        try {
            assertTrue(ServerProcess.poll(Duration.ofSeconds(20), () -> canConnect(port)), "server up");
            for (int i = 0; i < 150; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                s.getOutputStream().write(Messages.encode(0, new Control.MasterNew(magic(i), "fd" + i)));
                flood.add(s);
            }
            Thread.sleep(1000);
            double before = cpuSeconds(server.pid());
            Thread.sleep(3000);
            double spent = cpuSeconds(server.pid()) - before;
            assertTrue(server.isAlive(), "the server survives running out of descriptors");
            assertTrue(spent < 1.0, "while out of descriptors the server used " + spent + " CPU s in 3 s");
            assertTrue(Files.readString(tmp.resolve("server.log")).contains("Too many open files"),
                    "the accept failures are logged");

            for (Socket s : flood) {
                s.close();
            }
            flood.clear();
            assertTrue(ServerProcess.poll(Duration.ofSeconds(30), () -> {
                try (ServerProcess.Monitor m = new ServerProcess.Monitor(port, "after")) {
                    return Files.exists(m.socketIn(dir, "after"));
                } catch (IOException e) {
                    return false;
                }
            }), () -> "a monitor is served once descriptors are free again; server log ends:\n" + tail(tmp.resolve("server.log")));
        } finally {
            for (Socket s : flood) {
                s.close();
            }
            server.destroyForcibly();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static boolean canConnect(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static byte[] magic(int i) {
        return new byte[] {(byte) 0xfd, 1, 2, 3, 4, 5, (byte) (i >> 8), (byte) i};
    }

    /** utime + stime of a process, in seconds (clock ticks of 100 Hz). */
    private static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }
}
