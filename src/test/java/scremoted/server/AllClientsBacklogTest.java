package scremoted.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scremoted.testing.Await;
import scremoted.testing.Checks;
import scremoted.testing.SimScamper;
import scremoted.testing.TestServer;
import scremoted.wire.Frame;

/**
 * Slow clients together cannot fill the server's memory: once what waits for all clients passes
 * its limit, a monitor whose client is more than a little behind pauses, though that client is
 * well within its own limit (2 MiB).
 */
@Timeout(60)
class AllClientsBacklogTest {
    private static final long ALL_CLIENTS = 256 << 10;

    @TempDir
    Path dir;

    /**
     * More than a unix socket's buffer holds for a client that does not read (the server asks for
     * 1 MiB, which Linux doubles), and more than a client's own limit on top: whatever the kernel
     * takes, enough is left waiting in the server for either limit to act.
     */
    private static final int DATA = 5 << 20;

    private static byte[] sendToIdleClient(SimScamper sim, int ch) {
        byte[] data = Checks.bytes(DATA, 21);
        sim.sendData(ch, data);
        return data;
    }

    private static void readAll(SocketChannel client, byte[] expected) throws IOException {
        ByteBuffer got = ByteBuffer.allocate(expected.length);
        while (got.hasRemaining()) {
            assertTrue(client.read(got) >= 0, "end of stream after " + got.position() + " bytes");
        }
        Checks.assertSameBytes(expected, got.array(), "what the monitor sent");
    }

    @Test
    void pastTheLimitForAllClientsAClientThatIsBehindPausesItsMonitor() throws Exception {
        Limits limits = new Limits(16 << 20, 4 << 20, ALL_CLIENTS, 512);
        try (TestServer ts = TestServer.start(dir, new Timing(400), limits, 0)) {
            SimScamper sim = ts.sim("pressed");
            sim.hello();
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(ts.socketPath(sim)))) {
                int ch = sim.awaitChannelNew();
                byte[] data = sendToIdleClient(sim, ch);
                Await.until(() -> "all clients over their limit: " + ts.server.clientBacklog().peak() + " waited, sim "
                        + sim.describe(), Duration.ofSeconds(10), () -> ts.server.clientBacklog().peak() > ALL_CLIENTS);
                // for a protocol second (the stall time is 5): the reader stays paused
                Await.holds("the monitor's reader paused", ts.seconds(1), () -> sim.unackedCount() > 0);
                readAll(client, data);
                sim.awaitAllAcked(Duration.ofSeconds(10));
                Await.until("nothing waiting", Duration.ofSeconds(10), () -> ts.server.clientBacklog().total() == 0);
                assertFalse(sim.closedByServer());
                assertTrue(ts.server.clientBacklog().peak() <= ALL_CLIENTS + Frame.MAX_PAYLOAD,
                        "never more than one message past the limit: " + ts.server.clientBacklog().peak());
            }
        }
    }

    @Test
    void underTheLimitOnlyTheClientsOwnLimitPausesItsMonitor() throws Exception {
        Limits limits = new Limits(16 << 20, 4 << 20, 1L << 30, 512);
        try (TestServer ts = TestServer.start(dir, new Timing(400), limits, 0)) {
            SimScamper sim = ts.sim("free");
            sim.hello();
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(ts.socketPath(sim)))) {
                int ch = sim.awaitChannelNew();
                byte[] data = sendToIdleClient(sim, ch);
                // only this client's own limit (2 MiB) pauses the reader, far past the other test's limit
                Await.until(() -> "1 MiB waiting: " + ts.server.clientBacklog().peak(), Duration.ofSeconds(10),
                        () -> ts.server.clientBacklog().peak() > 1 << 20);
                readAll(client, data);
                sim.awaitAllAcked(Duration.ofSeconds(10));
                Await.until("nothing waiting", Duration.ofSeconds(10), () -> ts.server.clientBacklog().total() == 0);
            }
        }
    }

    @Test
    void aDroppedClientTakesItsBacklogOffTheTotal() throws Exception {
        Limits limits = new Limits(16 << 20, 4 << 20, ALL_CLIENTS, 512);
        try (TestServer ts = TestServer.start(dir, new Timing(200), limits, 0)) {
            SimScamper sim = ts.sim("stuck");
            sim.hello();
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(ts.socketPath(sim)))) {
                int ch = sim.awaitChannelNew();
                sendToIdleClient(sim, ch);
                // it never reads: after the stall time it is dropped, its channel finished, its backlog gone
                sim.awaitFin(ch, Duration.ofSeconds(10));
                sim.awaitAllAcked(Duration.ofSeconds(10));
                assertEquals(0, ts.server.clientBacklog().total());
                Checks.freshMonitorWorks(ts, "after");
            }
        }
    }
}
