package scremoted.tlsint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scremoted.server.Timing;
import scremoted.testing.Checks;
import scremoted.testing.RawPeer;
import scremoted.testing.SimScamper;
import scremoted.testing.TestServer;

/**
 * Peers that stall in the TLS handshake (silent, or trickling a ClientHello byte by byte) are closed
 * by the hello deadline, and cost nothing else: a good TLS monitor connects and relays meanwhile.
 * 1 protocol second = 50 ms: the deadline is 1.5 s.
 */
@Timeout(30)
class TlsStallTest {
    @TempDir
    Path tmp;

    @Test
    void stalledHandshakesAreClosedByTheHelloDeadlineWhileOthersProceed() throws Exception {
        TlsEnv env = TlsEnv.create(tmp);
        Timing timing = new Timing(50);
        try (TestServer s = env.start(timing, null, 0, false);
                RawPeer silent = RawPeer.connect(s.address);
                RawPeer trickle = RawPeer.connect(s.address)) {
            // A TLS record header announcing a 512-byte ClientHello, then one byte every 100 ms for
            // 4 s: each read gets something, only the deadline can end it.
            byte[] hello = new byte[40];
            System.arraycopy(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03}, 0,
                    hello, 0, 11);
            Thread trickler = Thread.ofVirtual().start(() -> {
                for (byte b : hello) {
                    if (!trickle.write(new byte[] {b})) {
                        return;
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });

            SimScamper good = TlsEnv.sim(s, env.connector(s, null), "good.example");
            good.hello();
            Checks.roundTrip(s, good);

            silent.awaitClosedByServer(Duration.ofSeconds(5));
            trickle.awaitClosedByServer(Duration.ofSeconds(5));
            long deadline = timing.helloNanos() / 1_000_000;
            assertTrue(silent.millisUntilClosed() >= deadline - 100 && silent.millisUntilClosed() < deadline + 2000,
                    "silent peer closed after " + silent.millisUntilClosed() + " ms, deadline " + deadline);
            assertTrue(trickle.millisUntilClosed() < deadline + 2000,
                    "trickling peer closed after " + trickle.millisUntilClosed() + " ms, deadline " + deadline);
            trickler.join();
            Checks.roundTrip(s, good);
            assertEquals(1, s.server.sessionCount());
        }
    }
}
