package scremoted.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scremoted.testing.Await;
import scremoted.testing.Checks;
import scremoted.testing.SimScamper;
import scremoted.testing.TestServer;
import scremoted.testing.UnixClient;
import scremoted.wire.Frame;

/**
 * Slow clients together cannot fill the server's memory: once what waits for all clients passes
 * its limit, a monitor whose client is more than a little behind pauses, though that client is
 * well within its own limit (2 MiB).
 */
@Timeout(60)
class AllClientsBacklogTest {
    private static final long ALL_CLIENTS = 256 << 10;
    private static final Duration WAIT = Duration.ofSeconds(10);
    /**
     * More than a unix socket's buffer holds for a client that does not read (the server asks for
     * 1 MiB, which Linux doubles), and more than a client's own limit on top: whatever the kernel
     * takes, enough is left waiting in the server for either limit to act.
     */
    private static final int DATA = 5 << 20;

    @TempDir
    Path dir;

    private TestServer ts;
    private SimScamper sim;
    private UnixClient client;
    private int ch;

    /**
     * A server with that limit for all clients, and a monitor sending {@link #DATA} to a client
     * that reads nothing until asked; returns the data.
     */
    private byte[] floodIdleClient(long allClients, Timing timing) throws IOException {
        ts = TestServer.start(dir, timing, new Limits(16 << 20, 4 << 20, allClients, 512), 0);
        sim = ts.sim("flood");
        sim.hello();
        client = ts.client(sim);
        ch = sim.awaitChannelNew();
        byte[] data = Checks.bytes(DATA, 21);
        sim.sendData(ch, data);
        return data;
    }

    @AfterEach
    void stop() {
        if (ts != null) {
            ts.close();
        }
    }

    private long peak() {
        return ts.server.clientBacklog().peak();
    }

    private long total() {
        return ts.server.clientBacklog().total();
    }

    @Test
    void pastTheLimitForAllClientsAClientThatIsBehindPausesItsMonitor() throws Exception {
        byte[] data = floodIdleClient(ALL_CLIENTS, new Timing(400));
        Await.until(() -> "all clients over their limit: " + peak() + " waited, sim " + sim.describe(), WAIT,
                () -> peak() > ALL_CLIENTS);
        // for a protocol second (the stall time is 5): the reader stays paused
        Await.holds("the monitor's reader paused", ts.seconds(1), () -> sim.unackedCount() > 0);
        Checks.assertSameBytes(data, client.awaitBytes(data.length, WAIT), "what the monitor sent");
        sim.awaitAllAcked(WAIT);
        Await.until("nothing waiting", WAIT, () -> total() == 0);
        assertFalse(sim.closedByServer());
        assertTrue(peak() <= ALL_CLIENTS + Frame.MAX_PAYLOAD, "never more than one message past the limit: " + peak());
    }

    @Test
    void underTheLimitOnlyTheClientsOwnLimitPausesItsMonitor() throws Exception {
        byte[] data = floodIdleClient(1L << 30, new Timing(400));
        // only this client's own limit (2 MiB) pauses the reader, far past the other test's limit
        Await.until(() -> "1 MiB waiting: " + peak(), WAIT, () -> peak() > 1 << 20);
        Checks.assertSameBytes(data, client.awaitBytes(data.length, WAIT), "what the monitor sent");
        sim.awaitAllAcked(WAIT);
        Await.until("nothing waiting", WAIT, () -> total() == 0);
    }

    @Test
    void aDroppedClientTakesItsBacklogOffTheTotal() throws Exception {
        floodIdleClient(ALL_CLIENTS, new Timing(200));
        // it never reads: after the stall time it is dropped, its channel finished, its backlog gone
        sim.awaitFin(ch, WAIT);
        sim.awaitAllAcked(WAIT);
        assertEquals(0, total());
        Checks.freshMonitorWorks(ts, "after");
    }
}
