package scremoted.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scremoted.testing.Await;
import scremoted.testing.Checks;
import scremoted.testing.SimScamper;
import scremoted.testing.TestServer;
import scremoted.testing.UnixClient;

/**
 * PROTOCOL.md sections 6 and 12, DESIGN.md invariants: a client that does not read is dropped (its channel
 * gets a FIN) without stalling its neighbours or the monitor; client-to-scamper data not yet acknowledged
 * is bounded by backpressure on that client, never holding back ACKs.
 */
@Timeout(60)
class SlowClientTest {
    private static final Timing TIMING = new Timing(200);
    private static final Limits SMALL = new Limits(64 * 1024, 256 * 1024, 1L << 30, 512);

    @TempDir
    Path dir;

    @Test
    void clientThatNeverReadsIsDroppedAndOthersKeepFlowing() throws IOException {
        try (TestServer ts = TestServer.start(dir, TIMING, SMALL, 0)) {
            SimScamper sim = ts.sim("slow");
            sim.hello();
            UnixClient slow = ts.client(sim);
            int slowCh = sim.awaitChannelNew();
            UnixClient fast = ts.client(sim);
            int fastCh = sim.awaitChannelNew();
            fast.startReading();

            int flood = 8 << 20;
            byte[] slowData = Checks.bytes(flood, 11);
            byte[] fastData = Checks.bytes(2 << 20, 12);
            // the slow channel is flooded; the fast client is served in step (each piece is awaited, so
            // it is never more than one piece behind and can never legitimately reach the bound)
            int chunk = 32 * 1024;
            int piece = fastData.length / (flood / chunk);
            for (int off = 0, f = 0; off < flood; off += chunk, f += piece) {
                sim.sendData(slowCh, java.util.Arrays.copyOfRange(slowData, off, Math.min(flood, off + chunk)));
                sim.sendData(fastCh, java.util.Arrays.copyOfRange(fastData, f, f + piece));
                int want = f + piece;
                Await.until(() -> "fast client receiving " + want + " bytes while the slow one is flooded, has "
                        + fast.receivedCount() + (fast.eof() ? " (EOF)" : "") + "; sim " + sim.describe(),
                        Duration.ofSeconds(10), () -> fast.receivedCount() >= want);
            }
            sim.awaitFin(slowCh, Duration.ofSeconds(20));
            Checks.assertSameBytes(fastData, fast.awaitBytes(fastData.length, Duration.ofSeconds(10)),
                    "the other client on the same monitor");
            sim.awaitAllAcked(Duration.ofSeconds(20));
            assertFalse(sim.closedByServer(), "the monitor is not dropped");

            byte[] got = slow.readAllUntilEof(Duration.ofSeconds(10));
            assertTrue(got.length < flood, "the slow client was cut off (got " + got.length + " of " + flood + ")");
            Checks.assertSameBytes(java.util.Arrays.copyOf(slowData, got.length), got, "what the slow client got is a prefix");
            sim.sendFin(slowCh);
            sim.awaitAllAcked();
            Checks.exchange(sim, fast, fastCh, "after");
            sim.assertNoViolations();
            Checks.roundTrip(ts, sim);
        }
    }

    /** Backpressure: while scamper withholds ACKs, a flooding client is held near the bound; ACKs to
     *  scamper's own data and the other channels keep flowing; once acknowledged, everything arrives. */
    @Test
    void unackedDataTowardsScamperIsBounded() throws Exception {
        try (TestServer ts = TestServer.start(dir, TIMING, SMALL, 0)) {
            SimScamper sim = ts.sim("bp");
            sim.hello();
            UnixClient flooder = ts.client(sim);
            int ch = sim.awaitChannelNew();
            UnixClient other = ts.client(sim);
            int otherCh = sim.awaitChannelNew();
            other.startReading();
            sim.mode(SimScamper.Mode.NOACK);
            byte[] up = Checks.bytes(3 << 20, 21);
            Thread w = flooder.writeInBackground(up);
            Await.until("some data from the flooder", () -> sim.dataCount(ch) > 0);
            Await.pause(500);
            int held = sim.dataCount(ch);
            int bound = SMALL.unackedBytesPerSession() + 2 * 65535;
            assertTrue(held <= bound, "unacknowledged bytes towards scamper: " + held + " > " + bound);
            Await.pause(300);
            assertEquals(held, sim.dataCount(ch), "nothing more sent while nothing is acknowledged");

            // scamper's own traffic is still acknowledged and relayed while the flooder is blocked
            sim.sendData(otherCh, "meanwhile\n");
            Await.until("ACK of scamper's data while the flooder is blocked", () -> sim.unackedCount() == 0);
            assertEquals("meanwhile\n", Checks.text(other.awaitBytes(10, Checks.SHORT)));

            // other monitors are not affected either
            Checks.freshMonitorWorks(ts, "neighbour");

            sim.resumeAcking();
            Checks.assertSameBytes(up, sim.awaitData(ch, up.length, Duration.ofSeconds(20)), "client -> scamper after acks");
            w.join(5000);
            sim.assertNoViolations();
            Checks.roundTrip(ts, sim);
        }
    }
}
