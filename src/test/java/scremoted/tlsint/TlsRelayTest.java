package scremoted.tlsint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scremoted.server.Timing;
import scremoted.testing.Await;
import scremoted.testing.RawPeer;
import scremoted.testing.SimScamper;
import scremoted.testing.TestServer;
import scremoted.testing.TlsConnector;
import scremoted.testing.UnixClient;
import scremoted.wire.Control;
import scremoted.wire.Frame;
import scremoted.wire.Messages;

/**
 * A simulated scamper speaking TLS through the JDK's SunJSSE (the server is BCJSSE) through the whole
 * hello / channel / data / resume cycle, and plaintext sent to the TLS port.
 */
class TlsRelayTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    @Test
    @Timeout(30)
    void helloChannelDataAndResumeOverJdkTlsAreByteExact() throws Exception {
        TlsEnv env = TlsEnv.create(tmp);
        try (TestServer s = env.start(new Timing(50), null, 60, false)) {
            TlsConnector connector = env.connector(s, null);
            SimScamper sim = TlsEnv.sim(s, connector, "mon1.example");

            String id = sim.hello();
            assertEquals(sim.addressString(), id);
            SSLSession session = connector.lastTls().getSession();
            assertEquals("TLSv1.3", session.getProtocol());
            assertEquals(env.server.certificate(), connector.lastServerCertificate());
            Path socket1 = s.socketPath(sim);
            Await.until("socket " + socket1, WAIT, () -> Files.exists(socket1));

            sim.echo(true);
            UnixClient client = s.client(socket1);
            client.startReading();
            int channel = sim.awaitChannelNew();
            byte[] first = "a line from the client over tls\n".getBytes(StandardCharsets.US_ASCII);
            client.write(first);
            assertArrayEquals(first, client.awaitBytes(first.length, WAIT));
            assertArrayEquals(first, sim.dataOn(channel));
            sim.awaitAllAcked();

            // Cut the TCP connection under TLS: no close_notify, a reset.
            connector.cutRaw();
            Await.until("socket file removed while the session is a zombie", WAIT, () -> !Files.exists(socket1));
            assertEquals(1, s.server.sessionCount(), "the session must be kept as a zombie");

            byte[] during = TlsEnv.allByteValues(256); // 64 KiB, every byte value, more than one frame
            client.write(during);
            Await.pause(100); // let the server read it from the client while the monitor is away

            assertEquals(SimScamper.ResumeResult.OK, sim.resume());
            assertEquals(2, sim.connections());
            assertEquals("TLSv1.3", connector.lastTls().getSession().getProtocol());
            Path socket2 = s.socketPath(sim);
            assertNotEquals(socket1, socket2, "the new connection has a new port, so a new socket name");
            Await.until("socket " + socket2 + " after the resume", WAIT, () -> Files.exists(socket2));

            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.writeBytes(first);
            expected.writeBytes(during);
            byte[] all = expected.toByteArray();
            assertArrayEquals(all, sim.awaitData(channel, all.length));
            assertArrayEquals(all, client.awaitBytes(all.length, WAIT));
            Await.pause(200);
            assertEquals(all.length, sim.dataCount(channel), "nothing duplicated at the monitor");
            assertEquals(all.length, client.receivedCount(), "nothing duplicated at the client");
            assertFalse(client.eof());
            assertEquals(List.of(channel), sim.channelsNew());
            sim.assertNoViolations();
        }
    }

    @Test
    @Timeout(20)
    void plaintextMasterNewToTheTlsPortIsClosedAndTheServerKeepsServing() throws Exception {
        TlsEnv env = TlsEnv.create(tmp);
        try (TestServer s = env.start(new Timing(50), null, 0, false)) {
            RawPeer plain = s.raw();
            assertTrue(plain.write(Messages.encode(0, new Control.MasterNew(SimScamper.randomMagic(), "plain"))));
            plain.awaitClosedByServer(WAIT);
            assertTrue(plain.millisUntilClosed() < s.ms(30) / 2,
                    "closed at once, not by the hello deadline: " + plain.millisUntilClosed() + " ms");
            byte[] got = plain.receivedBytes();
            // Nothing of the protocol in clear: at most a TLS alert record (content type 21).
            assertTrue(got.length == 0 || got[0] == 0x15, "unexpected bytes from the server: " + got.length);
            for (Frame f : plain.receivedFrames()) {
                assertFalse(f.isControl() && decodesToMasterId(f), "a MASTER_ID in plaintext");
            }
            assertEquals(0, s.server.sessionCount());
            assertEquals(List.of(), s.dirEntries());

            // Still serving: a TLS monitor gets through and relays.
            SimScamper sim = TlsEnv.sim(s, env.connector(s, null), "after-plain");
            sim.hello();
            sim.echo(true);
            UnixClient client = s.client(sim);
            sim.awaitChannelNew();
            client.write("ping\n");
            assertArrayEquals("ping\n".getBytes(StandardCharsets.US_ASCII), client.awaitBytes(5, WAIT));
            sim.assertNoViolations();
        }
    }

    private static boolean decodesToMasterId(Frame f) {
        try {
            return Messages.decode(f) instanceof Control.MasterId;
        } catch (Exception e) {
            return false;
        }
    }
}
