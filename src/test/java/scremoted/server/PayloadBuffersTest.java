package scremoted.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scremoted.buffer.PayloadPool;
import scremoted.testing.Await;
import scremoted.testing.Checks;
import scremoted.testing.SimScamper;
import scremoted.testing.TestServer;
import scremoted.testing.UnixClient;

/**
 * Large payloads from a plaintext monitor travel in pooled direct buffers; whichever way a payload
 * ends (written to its client, dropped for want of a client, dropped with a client that goes away
 * or with the whole session), its buffer goes back to the pool.
 */
@Timeout(60)
class PayloadBuffersTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private TestServer ts;
    private SimScamper sim;
    private UnixClient client;
    private int ch;

    /** A monitor with one client (which reads nothing until asked), on channel {@link #ch}. */
    @BeforeEach
    void monitorWithClient() throws IOException {
        ts = TestServer.start(dir, new Timing(200), null, 0);
        sim = ts.sim("payloads");
        sim.hello();
        client = ts.client(sim);
        ch = sim.awaitChannelNew();
    }

    @AfterEach
    void stop() {
        ts.close();
    }

    private void awaitAllReturned() {
        PayloadPool pool = ts.server.payloadPool();
        assertTrue(pool.created() > 0, "the data went through pooled buffers");
        Await.until(() -> pool.created() + " pooled buffers, " + pool.free() + " returned", WAIT,
                () -> pool.free() == pool.created());
    }

    /**
     * For a client that does not read: more than its socket buffer holds (1 MiB asked for, which
     * Linux doubles), so that some is still waiting for the client when it or its session goes away.
     */
    private void fillClientQueue() {
        sim.sendData(ch, Checks.bytes(3 << 20, 13));
        sim.awaitAllAcked(WAIT);
    }

    @Test
    void aFloodWrittenToItsClientUsesPooledBuffersAndReturnsThemAll() {
        byte[] flood = Checks.bytes(4 << 20, 11);
        sim.sendData(ch, flood);
        Checks.assertSameBytes(flood, client.awaitBytes(flood.length, WAIT), "the flood");
        awaitAllReturned();
    }

    @Test
    void payloadsForAChannelWithoutClientAreReturned() {
        client.close();
        sim.awaitFin(ch);
        sim.sendData(ch, Checks.bytes(1 << 20, 12));
        sim.awaitAllAcked(WAIT);
        awaitAllReturned();
    }

    @Test
    void aClientThatGoesAwayWithDataPendingReturnsItsBuffers() {
        fillClientQueue();
        client.close();
        sim.awaitFin(ch);
        awaitAllReturned();
        assertEquals(1, ts.server.sessionCount(), "the monitor stays");
    }

    @Test
    void aSessionThatEndsWithDataPendingReturnsItsBuffers() {
        fillClientQueue();
        sim.cut();
        ts.awaitSessions(0);
        awaitAllReturned();
    }
}
