package scremoted.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.net.UnixDomainSocketAddress;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scremoted.testing.Checks;
import scremoted.testing.SimScamper;
import scremoted.testing.TestServer;

/**
 * A client that reads, but slower than its monitor sends, paces the monitor: it gets every byte of
 * a flood many times larger than its queue bound, and is not dropped.
 */
@Timeout(60)
class ClientPacingTest {
    @TempDir
    Path dir;

    @Test
    void aSlowReaderGetsAFloodLargerThanItsQueueBound() throws Exception {
        Limits small = new Limits(256 * 1024, 256 * 1024, 1L << 30, 512);
        try (TestServer ts = TestServer.start(dir, new Timing(200), small, 0)) {
            SimScamper sim = ts.sim("pace");
            sim.hello();
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(ts.socketPath(sim)))) {
                int ch = sim.awaitChannelNew();
                byte[] flood = Checks.bytes(8 << 20, 5);
                Thread sender = Thread.ofVirtual().start(() -> sim.sendData(ch, flood));

                ByteArrayOutputStream got = new ByteArrayOutputStream();
                ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
                long end = System.nanoTime() + Duration.ofSeconds(40).toNanos();
                while (got.size() < flood.length && System.nanoTime() < end) {
                    buffer.clear();
                    int n = client.read(buffer);
                    assertTrue(n >= 0, "dropped after " + got.size() + " of " + flood.length + " bytes");
                    got.write(buffer.array(), 0, n);
                    Thread.sleep(1);
                }
                sender.join();
                Checks.assertSameBytes(flood, got.toByteArray(), "the flood, paced to the reader");
                sim.awaitAllAcked(Duration.ofSeconds(10));
                assertFalse(sim.closedByServer());
                sim.assertNoViolations();
            }
        }
    }
}
