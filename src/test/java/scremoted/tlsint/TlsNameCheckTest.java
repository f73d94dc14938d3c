package scremoted.tlsint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scremoted.server.Timing;
import scremoted.testing.Await;
import scremoted.testing.SimScamper;
import scremoted.testing.TestServer;
import scremoted.testing.TlsConnector;
import scremoted.testing.UnixClient;
import scremoted.tls.TestPki.Identity;

/**
 * With -C: the monitor name at MASTER_NEW must be one its client certificate names (DNS SANs, else CN;
 * case-insensitively) unless -O skipnameverification, and MASTER_RES must come with a certificate valid for
 * the session's monitor name (PROTOCOL.md section 10).
 */
class TlsNameCheckTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    @Test
    @Timeout(20)
    void theRightNameIsAcceptedAndMatchedCaseInsensitively() throws Exception {
        TlsEnv env = TlsEnv.create(tmp);
        try (TestServer s = env.start(new Timing(50), null, 0, true)) {
            SimScamper sim = TlsEnv.sim(s, env.connector(s, env.pki.client("mon-a.example.net")), "mon-a.example.net");
            sim.hello();
            assertRoundTrip(s, sim);

            SimScamper upper = TlsEnv.sim(s, env.connector(s, env.pki.client("mon-b.example.net")), "MON-B.Example.NET");
            upper.hello();
            Path socket = s.socketPath(upper);
            Await.until("socket " + socket, WAIT, () -> Files.exists(socket));
            assertEquals(2, s.server.sessionCount());
        }
    }

    @Test
    @Timeout(20)
    void theCommonNameCountsOnlyWithoutDnsNames() throws Exception {
        TlsEnv env = TlsEnv.create(tmp);
        try (TestServer s = env.start(new Timing(50), null, 0, true)) {
            Identity cnOnly = env.pki.clientWithNames("cn-only.example.net");
            SimScamper ok = TlsEnv.sim(s, env.connector(s, cnOnly), "cn-only.example.net");
            ok.hello();
            assertRoundTrip(s, ok);

            Identity both = env.pki.clientWithNames("cn.example.net", "san.example.net");
            SimScamper byCn = TlsEnv.sim(s, env.connector(s, both), "cn.example.net");
            assertThrows(SimScamper.ClosedByServer.class, byCn::hello, "CN used although DNS SANs are present");
            SimScamper bySan = TlsEnv.sim(s, env.connector(s, both), "san.example.net");
            bySan.hello();
            assertEquals(2, s.server.sessionCount());
        }
    }

    @Test
    @Timeout(20)
    void aWrongNameIsRefusedWithoutASocketFile() throws Exception {
        TlsEnv env = TlsEnv.create(tmp);
        try (TestServer s = env.start(new Timing(50), null, 0, true)) {
            SimScamper wrong = TlsEnv.sim(s, env.connector(s, env.pki.client("mon-a.example.net")), "mon-b.example.net");
            assertThrows(SimScamper.ClosedByServer.class, wrong::hello);
            Await.pause(100);
            assertEquals(List.of(), s.dirEntries());
            assertEquals(0, s.server.sessionCount());

            SimScamper good = TlsEnv.sim(s, env.connector(s, env.pki.client("mon-b.example.net")), "mon-b.example.net");
            good.hello();
            assertRoundTrip(s, good);
        }
    }

    @Test
    @Timeout(20)
    void noNameIsRefused() throws Exception {
        TlsEnv env = TlsEnv.create(tmp);
        try (TestServer s = env.start(new Timing(50), null, 0, true)) {
            SimScamper nameless = TlsEnv.sim(s, env.connector(s, env.pki.client("mon-a.example.net")), null);
            assertThrows(SimScamper.ClosedByServer.class, nameless::hello);
            Await.pause(100);
            assertEquals(List.of(), s.dirEntries());
            assertEquals(0, s.server.sessionCount());

            SimScamper good = TlsEnv.sim(s, env.connector(s, env.pki.client("mon-a.example.net")), "mon-a.example.net");
            good.hello();
            assertRoundTrip(s, good);
        }
    }

    @Test
    @Timeout(20)
    void aWrongNameIsAcceptedWithSkipNameVerification() throws Exception {
        TlsEnv env = TlsEnv.create(tmp);
        try (TestServer s = env.start(new Timing(50), null, 0, true, "-O", "skipnameverification")) {
            SimScamper other = TlsEnv.sim(s, env.connector(s, env.pki.client("mon-a.example.net")), "not-mon-a");
            other.hello();
            assertTrue(s.socketPath(other).getFileName().toString().startsWith("not-mon-a-127.0.0.1:"));
            assertRoundTrip(s, other);
            // A client certificate is still required.
            SimScamper anonymous = TlsEnv.sim(s, env.connector(s, null), "anonymous");
            assertThrows(java.io.IOException.class, anonymous::hello);
            assertEquals(1, s.server.sessionCount());
        }
    }

    /** Resume with another monitor's certificate: MASTER_REJ and close; then with the right one: MASTER_OK. */
    @Test
    @Timeout(30)
    void resumeNeedsACertificateForTheSessionsMonitorName() throws Exception {
        TlsEnv env = TlsEnv.create(tmp);
        Identity a = env.pki.client("mon-a.example.net");
        Identity b = env.pki.client("mon-b.example.net");
        try (TestServer s = env.start(new Timing(50), null, 60, true)) {
            TlsConnector connector = env.connector(s, a);
            SimScamper sim = TlsEnv.sim(s, connector, "mon-a.example.net");
            sim.hello();
            sim.echo(true);
            Path socket1 = s.socketPath(sim);
            UnixClient client = s.client(socket1);
            client.startReading();
            int channel = sim.awaitChannelNew();
            client.write("before\n");
            client.awaitBytes(7, WAIT);

            connector.cutRaw();
            Await.until("zombie", WAIT, () -> !Files.exists(socket1));
            client.write("during\n");

            connector.present(b.privateKey(), b.certificate());
            // The refusal itself is checked last, so that a wrong refusal does not hide what follows.
            String refusal;
            try {
                SimScamper.ResumeResult withB = sim.resume();
                refusal = withB == SimScamper.ResumeResult.REJECTED ? null : "resume with mon-b's certificate: " + withB;
            } catch (SimScamper.ClosedByServer e) {
                refusal = "resume with mon-b's certificate: expected MASTER_REJ then close, but the server closed "
                        + "the TLS connection without a MASTER_REJ readable from the TLS stream";
            }
            assertEquals(1, s.server.sessionCount(), "a refused resume leaves the zombie alone");
            assertEquals(List.of(), s.dirEntries());

            connector.present(a.privateKey(), a.certificate());
            assertEquals(SimScamper.ResumeResult.OK, sim.resume());
            byte[] both = "before\nduring\n".getBytes(StandardCharsets.US_ASCII);
            assertArrayEquals(both, sim.awaitData(channel, both.length));
            assertArrayEquals(both, client.awaitBytes(both.length, WAIT));
            sim.assertNoViolations();
            assertEquals(null, refusal);
        }
    }

    /**
     * Narrows the above: any MASTER_REJ over TLS (here, an unknown magic) must reach the monitor as a protocol
     * message inside the TLS stream.
     */
    @Test
    @Timeout(20)
    void aRejectedResumeOverTlsGetsAMasterRej() throws Exception {
        TlsEnv env = TlsEnv.create(tmp);
        try (TestServer s = env.start(new Timing(50), null, 60, false)) {
            SimScamper stranger = TlsEnv.sim(s, env.connector(s, null), "stranger");
            SimScamper.ResumeResult r;
            try {
                r = stranger.resume(0, 0, 0, false);
            } catch (SimScamper.ClosedByServer e) {
                throw new AssertionError("MASTER_RES with an unknown magic over TLS: expected MASTER_REJ then close, "
                        + "but no MASTER_REJ could be read from the TLS stream", e);
            }
            assertEquals(SimScamper.ResumeResult.REJECTED, r);
            assertEquals(0, s.server.sessionCount());
        }
    }

    /** A client connects to the monitor's socket; the sim echoes; one line makes the round trip. */
    static void assertRoundTrip(TestServer s, SimScamper sim) throws Exception {
        Path socket = s.socketPath(sim);
        Await.until("socket " + socket, WAIT, () -> Files.exists(socket));
        sim.echo(true);
        UnixClient client = s.client(socket);
        sim.awaitChannelNew();
        byte[] line = ("round trip via " + sim.name() + "\n").getBytes(StandardCharsets.US_ASCII);
        client.write(line);
        assertArrayEquals(line, client.awaitBytes(line.length, WAIT));
        sim.assertNoViolations();
    }
}
