package scremoted.tlsint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scremoted.server.Timing;
import scremoted.testing.Await;
import scremoted.testing.SimScamper;
import scremoted.testing.TestServer;
import scremoted.tls.TestPki;
import scremoted.tls.TestPki.Identity;
import scremoted.tls.TestPki.KeyForm;
import scremoted.wire.Control;
import scremoted.wire.Messages;

/** Real OpenSSL ({@code openssl s_client}, as scamper uses OpenSSL) against the real server. */
class TlsOpensslTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    @BeforeAll
    static void openssl() {
        Assumptions.assumeTrue(SClient.available(), "no openssl command");
    }

    @Test
    @Timeout(30)
    void tls13ByDefaultAndTheMonitorIsServed() throws Exception {
        TlsEnv env = TlsEnv.create(tmp);
        try (TestServer s = env.start(new Timing(50), null, 0, false);
                SClient c = SClient.start(env.dir, s.address.getPort())) {
            Control.MasterId id = helloThroughOpenssl(s, c, "ossl-mon");
            Await.until(() -> "s_client's summary: " + c.output(), WAIT, () -> c.output().contains("Verification:"));
            String out = c.output();
            assertTrue(out.contains("Protocol version: TLSv1.3"), out);
            assertTrue(out.contains("Verification: OK"), out);
            Path socket = s.dir.resolve("ossl-mon-" + id.id());
            Await.until("socket " + socket, WAIT, () -> Files.exists(socket));

            c.closeInput();
            assertTrue(c.awaitExit(WAIT), "s_client ends after its stdin does");
            Await.until("session gone after s_client closed", WAIT,
                    () -> s.server.sessionCount() == 0 && !Files.exists(socket));
        }
    }

    @Test
    @Timeout(30)
    void tls11IsRefusedByTheServer() throws Exception {
        TlsEnv env = TlsEnv.create(tmp);
        try (TestServer s = env.start(new Timing(50), null, 0, false)) {
            try (SClient c = SClient.runToEnd(env.dir, s.address.getPort(), "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0")) {
                assertTrue(c.awaitExit(WAIT));
                String out = c.output();
                assertNotEquals(0, c.exitCode(), out);
                // The server's protocol_version alert (70), not OpenSSL refusing TLS 1.1 by itself.
                assertTrue(out.contains("alert protocol version") && out.contains("alert number 70"), out);
                assertFalse(out.contains("no protocols available"), out);
            }
            assertEquals(List.of(), s.dirEntries());
            assertGoodMonitorWorks(s, env, null, "good-mon");
        }
    }

    @Test
    @Timeout(30)
    void withClientCertificatesNoCertificateIsRefused() throws Exception {
        TlsEnv env = TlsEnv.create(tmp);
        try (TestServer s = env.start(new Timing(50), null, 0, true)) {
            assertRefused(s, env, "alert certificate required.*alert number 116");
            assertGoodMonitorWorks(s, env, env.pki.client("good-mon"), "good-mon");
        }
    }

    @Test
    @Timeout(30)
    void withClientCertificatesOneFromAnotherCaIsRefused() throws Exception {
        TlsEnv env = TlsEnv.create(tmp);
        TestPki other = TestPki.create("some other CA");
        Identity stranger = other.client("ossl-mon");
        writeClient(env, stranger, "other");
        try (TestServer s = env.start(new Timing(50), null, 0, true)) {
            // certificate_unknown (46) from BCJSSE today; bad_certificate (42) or unknown_ca (48) would do as well
            assertRefused(s, env, "alert number (42|46|48)\\b", "-cert", "other-cert.pem", "-key", "other-key.pem");
            assertGoodMonitorWorks(s, env, env.pki.client("good-mon"), "good-mon");
        }
    }

    @Test
    @Timeout(30)
    void withClientCertificatesTheRightOneIsAccepted() throws Exception {
        TlsEnv env = TlsEnv.create(tmp);
        writeClient(env, env.pki.client("ossl-mon"), "right");
        try (TestServer s = env.start(new Timing(50), null, 0, true);
                SClient c = SClient.start(env.dir, s.address.getPort(), "-cert", "right-cert.pem", "-key",
                        "right-key.pem")) {
            Control.MasterId id = helloThroughOpenssl(s, c, "ossl-mon");
            Await.until(() -> "s_client's summary: " + c.output(), WAIT, () -> c.output().contains("Verification:"));
            assertTrue(c.output().contains("Protocol version: TLSv1.3"), c.output());
            assertTrue(c.output().contains("Verification: OK"), c.output());
            Path socket = s.dir.resolve("ossl-mon-" + id.id());
            Await.until("socket " + socket, WAIT, () -> Files.exists(socket));
            assertEquals(1, s.server.sessionCount());
        }
    }

    private static void writeClient(TlsEnv env, Identity id, String prefix) {
        TestPki.writeCertificates(env.dir.resolve(prefix + "-cert.pem"), id.certificate());
        TestPki.writeKey(env.dir.resolve(prefix + "-key.pem"), id.privateKey(), KeyForm.PKCS8);
    }

    /** Sends MASTER_NEW through s_client and returns the MASTER_ID that comes back on its stdout. */
    private static Control.MasterId helloThroughOpenssl(TestServer s, SClient c, String name) throws Exception {
        c.send(Messages.encode(0, new Control.MasterNew(SimScamper.randomMagic(), name)));
        Await.until(() -> "MASTER_ID through s_client; output so far: " + c.output(), WAIT,
                () -> c.firstMessage().isPresent() || !c.alive());
        Control m = c.firstMessage().orElseThrow(() -> new AssertionError("s_client ended: " + c.output()));
        assertTrue(m instanceof Control.MasterId, "expected MASTER_ID, got " + m);
        return (Control.MasterId) m;
    }

    /**
     * s_client (stdin kept open, a MASTER_NEW sent) must be closed by the server: it exits on its own, with an
     * alert from the server, no MASTER_ID, no session and no socket file.
     */
    private static void assertRefused(TestServer s, TlsEnv env, String alert, String... more) throws Exception {
        try (SClient c = SClient.start(env.dir, s.address.getPort(), more)) {
            c.send(Messages.encode(0, new Control.MasterNew(SimScamper.randomMagic(), "ossl-mon")));
            assertTrue(c.awaitExit(WAIT), "the server did not close the connection: " + c.output());
            String out = c.output();
            assertTrue(out.contains("SSL alert number"), "no alert from the server: " + out);
            assertTrue(java.util.regex.Pattern.compile(alert).matcher(out).find(), "expected alert " + alert + ": " + out);
            assertTrue(c.firstMessage().isEmpty(), "got a protocol answer: " + c.firstMessage());
        }
        assertEquals(0, s.server.sessionCount());
        assertEquals(List.of(), s.dirEntries());
    }

    /** A SunJSSE monitor (with {@code client} as its certificate if not null) says hello and relays a line. */
    private static void assertGoodMonitorWorks(TestServer s, TlsEnv env, Identity client, String name)
            throws Exception {
        SimScamper sim = TlsEnv.sim(s, env.connector(s, client), name);
        sim.hello();
        TlsNameCheckTest.assertRoundTrip(s, sim);
    }
}
