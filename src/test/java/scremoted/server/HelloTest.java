package scremoted.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import scremoted.testing.Await;
import scremoted.testing.Checks;
import scremoted.testing.RawPeer;
import scremoted.testing.SimScamper;
import scremoted.testing.TestServer;
import scremoted.testing.UnixClient;
import scremoted.wire.Frame;

/** PROTOCOL.md sections 4, 5 and 9: the hello, MASTER_ID, the socket file's name and mode; shutdown. */
@Timeout(30)
class HelloTest {
    private static final Timing TIMING = new Timing(200);

    @TempDir
    Path dir;

    @Test
    void helloWithNameGivesMasterIdAndNamedSocket() throws IOException {
        try (TestServer ts = TestServer.start(dir, TIMING, null, 0)) {
            SimScamper sim = ts.sim("foo.bar-1");
            String id = sim.hello();
            assertEquals("127.0.0.1:" + sim.localPort(), id, "MASTER_ID is the monitor's address");
            Frame f = sim.receivedFrames().get(0);
            assertEquals(0, f.seq(), "MASTER_ID sequence");
            assertEquals(0, f.channel());
            byte[] s = id.getBytes(StandardCharsets.US_ASCII);
            byte[] expect = new byte[s.length + 3];
            expect[0] = 1;
            expect[1] = (byte) (s.length + 1);
            System.arraycopy(s, 0, expect, 2, s.length);
            assertArrayEquals(expect, f.payload(), "MASTER_ID payload: type, id_len, id, NUL");
            Path sock = dir.resolve("foo.bar-1-127.0.0.1:" + sim.localPort());
            Await.until("socket file " + sock, () -> Files.exists(sock, LinkOption.NOFOLLOW_LINKS));
            assertTrue(Files.readAttributes(sock, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther(), "socket file is a socket");
            assertEquals(List.of(sock.getFileName().toString()), ts.dirEntries(), "only that file");
            assertEquals(1, ts.server.sessionCount());
            Checks.roundTrip(ts, sim);
        }
    }

    @Test
    void helloWithoutNameUsesAddressOnly() throws IOException {
        try (TestServer ts = TestServer.start(dir, TIMING, null, 0)) {
            SimScamper sim = ts.sim(null);
            String id = sim.hello();
            assertEquals("127.0.0.1:" + sim.localPort(), id);
            Path sock = dir.resolve("127.0.0.1:" + sim.localPort());
            Await.until("socket file " + sock, () -> Files.exists(sock, LinkOption.NOFOLLOW_LINKS));
            Checks.roundTrip(ts, sim);
        }
    }

    /** The name part of MASTER_NEW is optional: no name_len byte at all, or name_len 0. */
    @Test
    void masterNewWithoutNameLengthByteOrWithZero() throws IOException {
        try (TestServer ts = TestServer.start(dir, TIMING, null, 0)) {
            byte[] magic = HexFormat.of().parseHex("0102030405060708");
            for (byte[] payload : List.of(
                    concat(new byte[] {0, 8}, magic),
                    concat(new byte[] {0, 8}, magic, new byte[] {0}))) {
                RawPeer p = ts.raw();
                p.write(Frame.encode(0, 0, payload, 0, payload.length));
                Await.until("MASTER_ID", () -> !p.receivedFrames().isEmpty() || p.closedByServer());
                Frame f = p.receivedFrames().get(0);
                assertEquals(1, f.payload()[0], "MASTER_ID type");
                String id = new String(f.payload(), 2, f.payload().length - 3, StandardCharsets.US_ASCII);
                assertEquals("127.0.0.1:" + p.localPort(), id);
                Path sock = dir.resolve(id);
                Await.until("socket file " + sock, () -> Files.exists(sock, LinkOption.NOFOLLOW_LINKS));
                p.close();
                Await.until("socket removed after disconnect (-Z 0)", () -> !Files.exists(sock, LinkOption.NOFOLLOW_LINKS));
                magic[0]++;
            }
            Checks.freshMonitorWorks(ts, "after");
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"none, rwx------", "allowgroup, rwxrwx---", "allowother, rwx---rwx", "both, rwxrwxrwx"})
    void socketFileMode(String flags, String mode) throws IOException {
        String[] extra = switch (flags) {
            case "none" -> new String[0];
            case "allowgroup" -> new String[] {"-O", "allowgroup"};
            case "allowother" -> new String[] {"-O", "allowother"};
            default -> new String[] {"-O", "allowgroup", "-O", "allowother"};
        };
        try (TestServer ts = TestServer.start(dir, TIMING, null, 0, extra)) {
            SimScamper sim = ts.sim("perm");
            sim.hello();
            Path sock = ts.socketPath(sim);
            Await.until("socket file", () -> Files.exists(sock, LinkOption.NOFOLLOW_LINKS));
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(sock, LinkOption.NOFOLLOW_LINKS);
            assertEquals(mode, PosixFilePermissions.toString(perms), "mode of " + sock);
            Checks.roundTrip(ts, sim);
        }
    }

    @Test
    void ipv6MonitorAddress() throws IOException {
        assumeTrue(ipv6Loopback(), "no ::1 here");
        try (TestServer ts = TestServer.startOn("[::1]:1", dir, TIMING, null, 0, "-6")) {
            InetSocketAddress a = ts.address;
            assertTrue(a.getAddress() instanceof Inet6Address, "bound to ::1: " + a);
            SimScamper sim = ts.sim("v6.mon");
            String id = sim.hello();
            assertEquals("::1." + sim.localPort(), id);
            Path sock = dir.resolve("v6.mon-::1." + sim.localPort());
            Await.until("socket file " + sock, () -> Files.exists(sock, LinkOption.NOFOLLOW_LINKS));
            Checks.roundTrip(ts, sim);
        }
    }

    @Test
    void socketFileRemovedWhenMonitorLeavesWithoutZombies() throws IOException {
        try (TestServer ts = TestServer.start(dir, TIMING, null, 0)) {
            SimScamper sim = ts.sim("leaving");
            sim.hello();
            Path sock = ts.socketPath(sim);
            UnixClient c = ts.client(sock);
            sim.awaitChannelNew();
            sim.closeGracefully();
            c.awaitEof(Checks.SHORT);
            Await.until("socket file removed", () -> !Files.exists(sock, LinkOption.NOFOLLOW_LINKS));
            ts.awaitSessions(0);
            assertThrows(IOException.class, () -> UnixClient.connect(sock).close(), "nobody listens any more");
        }
    }

    /** Server.close(): listeners closed, monitors and clients disconnected, every socket file removed. */
    @Test
    void closeDisconnectsEverythingAndRemovesFiles() throws IOException {
        TestServer ts = TestServer.start(dir, TIMING, null, 100);
        SimScamper a = ts.sim("a");
        SimScamper b = ts.sim(null);
        SimScamper z = ts.sim("zombie");
        a.hello();
        b.hello();
        z.hello();
        UnixClient ca = ts.client(a);
        UnixClient cz = ts.client(z);
        a.awaitChannelNew();
        z.awaitChannelNew();
        Path zs = ts.socketPath(z);
        z.cut();
        Await.until("zombie's file removed", () -> !Files.exists(zs, LinkOption.NOFOLLOW_LINKS));
        assertEquals(2, ts.dirEntries().size(), "files of a and b: " + ts.dirEntries());
        assertEquals(3, ts.server.sessionCount(), "two established, one zombie");
        InetSocketAddress addr = ts.address;
        ts.server.close();
        assertEquals(List.of(), ts.dirEntries(), "no socket file left");
        a.awaitClosedByServer(Checks.SHORT);
        b.awaitClosedByServer(Checks.SHORT);
        ca.awaitEof(Checks.SHORT);
        cz.awaitEof(Checks.SHORT);
        assertThrows(IOException.class, () -> RawPeer.connect(addr).close(), "listener closed");
        a.assertNoViolations();
        b.assertNoViolations();
        ts.close();
    }

    private static boolean ipv6Loopback() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    static Duration ms(long m) {
        return Duration.ofMillis(m);
    }
}
