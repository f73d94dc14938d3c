package scremoted.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scremoted.buffer.PayloadPool;
import scremoted.testing.Checks;
import scremoted.testing.SimScamper;
import scremoted.testing.TestServer;

/**
 * Large payloads from a plaintext monitor travel in pooled direct buffers; whichever way a payload
 * ends (written to its client, dropped for want of a client, dropped with a client that goes away
 * or with the whole session), its buffer goes back to the pool.
 */
@Timeout(60)
class PayloadBuffersTest {
    @TempDir
    Path dir;

    private static void awaitAllReturned(PayloadPool pool) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (pool.free() != pool.created() && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertEquals(pool.created(), pool.free(), "pooled buffers returned");
    }

    /**
     * For a client that does not read: more than its socket buffer holds (1 MiB asked for, which
     * Linux doubles), so that some is still waiting for the client when it or its session goes away.
     */
    private static void fillClientQueue(SimScamper sim, int ch) {
        sim.sendData(ch, Checks.bytes(3 << 20, 13));
        sim.awaitAllAcked(Duration.ofSeconds(10));
    }

    @Test
    void aFloodWrittenToItsClientUsesPooledBuffersAndReturnsThemAll() throws Exception {
        try (TestServer ts = TestServer.start(dir, new Timing(200), null, 0)) {
            SimScamper sim = ts.sim("flood");
            sim.hello();
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(ts.socketPath(sim)))) {
                int ch = sim.awaitChannelNew();
                byte[] flood = Checks.bytes(4 << 20, 11);
                Thread sender = Thread.ofVirtual().start(() -> sim.sendData(ch, flood));
                ByteBuffer got = ByteBuffer.allocate(flood.length);
                while (got.hasRemaining()) {
                    assertTrue(client.read(got) >= 0, "end of stream after " + got.position() + " bytes");
                }
                sender.join();
                Checks.assertSameBytes(flood, got.array(), "the flood");
                PayloadPool pool = ts.server.payloadPool();
                assertTrue(pool.created() > 0, "the flood went through pooled buffers");
                awaitAllReturned(pool);
            }
        }
    }

    @Test
    void payloadsForAChannelWithoutClientAreReturned() throws Exception {
        try (TestServer ts = TestServer.start(dir, new Timing(200), null, 0)) {
            SimScamper sim = ts.sim("noclient");
            sim.hello();
            SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(ts.socketPath(sim)));
            int ch = sim.awaitChannelNew();
            client.close();
            sim.awaitFin(ch);
            sim.sendData(ch, Checks.bytes(1 << 20, 12));
            sim.awaitAllAcked(Duration.ofSeconds(10));
            PayloadPool pool = ts.server.payloadPool();
            assertTrue(pool.created() > 0, "the data went through pooled buffers");
            awaitAllReturned(pool);
        }
    }

    @Test
    void aClientThatGoesAwayWithDataPendingReturnsItsBuffers() throws Exception {
        try (TestServer ts = TestServer.start(dir, new Timing(200), null, 0)) {
            SimScamper sim = ts.sim("leaver");
            sim.hello();
            SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(ts.socketPath(sim)));
            int ch = sim.awaitChannelNew();
            fillClientQueue(sim, ch);
            client.close();
            sim.awaitFin(ch);
            PayloadPool pool = ts.server.payloadPool();
            assertTrue(pool.created() > 0);
            awaitAllReturned(pool);
            assertEquals(1, ts.server.sessionCount(), "the monitor stays");
        }
    }

    @Test
    void aSessionThatEndsWithDataPendingReturnsItsBuffers() throws Exception {
        try (TestServer ts = TestServer.start(dir, new Timing(200), null, 0)) {
            SimScamper sim = ts.sim("gone");
            sim.hello();
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(ts.socketPath(sim)))) {
                int ch = sim.awaitChannelNew();
                fillClientQueue(sim, ch);
                sim.cut();
                ts.awaitSessions(0);
                PayloadPool pool = ts.server.payloadPool();
                assertTrue(pool.created() > 0);
                awaitAllReturned(pool);
            }
        }
    }
}
