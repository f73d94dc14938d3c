package scremoted.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scremoted.session.Sessions;
import scremoted.testing.Checks;
import scremoted.testing.SimScamper;
import scremoted.testing.SimScamper.ResumeResult;
import scremoted.testing.TestServer;
import scremoted.testing.UnixClient;
import scremoted.wire.Serial;

/**
 * Sequence numbers crossing 2^32 - 1 to 0, in both directions, in ACKs, retransmission and the
 * resume checks. Both sides start just below the wrap (test-only setting, see {@link Sessions}).
 */
@Timeout(60)
class SequenceWrapTest {
    private static final int START = 0xFFFFFFF0;

    @TempDir
    Path dir;

    @BeforeEach
    void startNearTheWrap() {
        System.setProperty(Sessions.INITIAL_SEQUENCE_PROPERTY, Integer.toUnsignedString(START));
    }

    @AfterEach
    void backToZero() {
        System.clearProperty(Sessions.INITIAL_SEQUENCE_PROPERTY);
    }

    @Test
    void trafficAndAResumeAcrossTheWrap() throws Exception {
        try (TestServer ts = TestServer.start(dir, new Timing(50), null, 100)) {
            SimScamper sim = ts.sim("wrap.vp");
            sim.hello();
            UnixClient client = ts.client(sim);
            int ch = sim.awaitChannelNew();
            sim.echo(true);

            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            for (int i = 0; i < 20; i++) {
                byte[] line = ("line " + i + "\n").getBytes();
                expected.writeBytes(line);
                client.write(line);
                Checks.assertSameBytes(expected.toByteArray(), client.awaitBytes(expected.size(), java.time.Duration.ofSeconds(5)), "echo " + i);
            }
            assertTrue(Serial.lt(START, sim.sndNxt()) && sim.sndNxt() >= 0 && sim.sndNxt() < 100,
                    "the monitor's sequence numbers wrapped: " + Integer.toUnsignedString(sim.sndNxt()));
            assertTrue(sim.rcvNxt() >= 0 && sim.rcvNxt() < 100, "the server's sequence numbers wrapped: "
                    + Integer.toUnsignedString(sim.rcvNxt()));

            sim.echo(false);
            sim.cut();
            client.write("after the cut\n");
            assertEquals(ResumeResult.OK, sim.resume());
            byte[] all = sim.awaitData(ch, expected.size() + 14);
            assertEquals("after the cut\n", new String(all, expected.size(), 14));
            Checks.roundTrip(ts, sim);
            sim.assertNoViolations();
        }
    }
}
