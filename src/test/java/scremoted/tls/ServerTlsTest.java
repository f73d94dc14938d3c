package scremoted.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scremoted.tls.TestPki.Identity;
import scremoted.tls.TestPki.KeyForm;

class ServerTlsTest {
    private static TestPki pki;
    private static Identity server;

    @TempDir
    Path dir;

    @BeforeAll
    static void pki() {
        pki = TestPki.create("Test CA");
        server = pki.server();
    }

    private Path cert;
    private Path key;

    private ServerTls serverTls(Identity identity, KeyForm form, boolean withCa) throws TlsConfigException {
        cert = TestPki.writeCertificates(dir.resolve("cert.pem"), identity.certificate());
        key = TestPki.writeKey(dir.resolve("key.pem"), identity.privateKey(), form);
        Path ca = withCa ? TestPki.writeCertificates(dir.resolve("ca.pem"), pki.ca().certificate()) : null;
        return ServerTls.load(cert, key, ca, form.encrypted() ? TestPki.PASSPHRASE : null);
    }

    @Test
    void tls13IsNegotiatedByDefault() throws Exception {
        ServerTls tls = serverTls(server, KeyForm.PKCS8_ENCRYPTED, false);
        assertFalse(tls.requiresClientCertificate());
        try (TlsTestServer listener = new TlsTestServer(tls);
                SSLSocket client = TestClients.jdkClient(listener.port(), pki.ca().certificate(), null)) {
            client.startHandshake();
            SSLSocket accepted = listener.nextHandshaken();

            assertEquals("TLSv1.3", client.getSession().getProtocol());
            assertEquals("TLSv1.3", accepted.getSession().getProtocol());
            assertEquals(server.certificate(), client.getSession().getPeerCertificates()[0]);
            assertTrue(MonitorNames.peerCertificate(accepted).isEmpty());
            byte[] message = "hello".getBytes(StandardCharsets.US_ASCII);
            assertArrayEquals(message, TestClients.echo(client, message));
            assertEquals(0, accepted.getSoTimeout());
        }
    }

    @Test
    void anRsaServerSpeaksTls12WithAnAeadSuite() throws Exception {
        Identity rsaServer = pki.server(TestPki.rsaKeys());
        ServerTls tls = serverTls(rsaServer, KeyForm.TRADITIONAL_ENCRYPTED, false);
        try (TlsTestServer listener = new TlsTestServer(tls);
                SSLSocket client = TestClients.jdkClient(listener.port(), pki.ca().certificate(), null, "TLSv1.2")) {
            client.startHandshake();
            listener.nextHandshaken();

            assertEquals("TLSv1.2", client.getSession().getProtocol());
            String suite = client.getSession().getCipherSuite();
            assertTrue(suite.startsWith("TLS_ECDHE_RSA_") && (suite.contains("_GCM_") || suite.contains("CHACHA20")), suite);
        }
    }

    @Test
    void aTls12ClientOfferingOnlyCbcSuitesIsRefused() throws Exception {
        ServerTls tls = serverTls(server, KeyForm.PKCS8, false);
        try (TlsTestServer listener = new TlsTestServer(tls);
                SSLSocket client = TestClients.jdkClient(listener.port(), pki.ca().certificate(), null, "TLSv1.2")) {
            client.setEnabledCipherSuites(new String[] {
                "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"
            });
            assertThrows(IOException.class, client::startHandshake);
            assertInstanceOf(SSLHandshakeException.class, listener.nextFailure());
        }
    }

    /**
     * SunJSSE itself no longer sends a TLS 1.1 ClientHello (jdk.tls.disabledAlgorithms), so a
     * SunJSSE "TLS 1.1 client" would fail without ever asking the server. A hand-made hello does ask.
     */
    @Test
    void aTls11ClientIsRefused() throws Exception {
        ServerTls tls = serverTls(server, KeyForm.PKCS8, false);
        try (TlsTestServer listener = new TlsTestServer(tls)) {
            byte[] answer = TestClients.tls11Hello(listener.port());

            assertInstanceOf(SSLHandshakeException.class, listener.nextFailure());
            assertTrue(answer.length == 0 || answer[0] == 0x15, "expected an alert, got record type " + answer[0]);
        }
    }

    @Test
    void withACaAClientWithoutACertificateIsRefused() throws Exception {
        ServerTls tls = serverTls(server, KeyForm.PKCS8, true);
        assertTrue(tls.requiresClientCertificate());
        try (TlsTestServer listener = new TlsTestServer(tls);
                SSLSocket client = TestClients.jdkClient(listener.port(), pki.ca().certificate(), null)) {
            assertRefusedByServer(listener, client);
        }
    }

    @Test
    void withACaAClientCertificateFromAnotherCaIsRefused() throws Exception {
        ServerTls tls = serverTls(server, KeyForm.PKCS8, true);
        Identity stranger = TestPki.create("Other CA").client("monitor1");
        try (TlsTestServer listener = new TlsTestServer(tls);
                SSLSocket client = TestClients.jdkClient(listener.port(), pki.ca().certificate(), stranger)) {
            assertRefusedByServer(listener, client);
        }
    }

    @Test
    void withACaAnExpiredClientCertificateIsRefused() throws Exception {
        ServerTls tls = serverTls(server, KeyForm.PKCS8, true);
        Identity expired = pki.expiredClient("monitor1");
        try (TlsTestServer listener = new TlsTestServer(tls);
                SSLSocket client = TestClients.jdkClient(listener.port(), pki.ca().certificate(), expired)) {
            assertRefusedByServer(listener, client);
        }
    }

    @Test
    void withACaTheRightClientCertificateIsAcceptedAndVisible() throws Exception {
        ServerTls tls = serverTls(server, KeyForm.PKCS8, true);
        Identity monitor = pki.client("monitor1.example.net");
        try (TlsTestServer listener = new TlsTestServer(tls);
                SSLSocket client = TestClients.jdkClient(listener.port(), pki.ca().certificate(), monitor)) {
            client.startHandshake();
            SSLSocket accepted = listener.nextHandshaken();

            assertEquals(monitor.certificate(), MonitorNames.peerCertificate(accepted).orElseThrow());
            assertTrue(MonitorNames.certificateMatches(MonitorNames.peerCertificate(accepted).orElseThrow(),
                    "Monitor1.Example.NET"));
            byte[] message = {1, 2, 3};
            assertArrayEquals(message, TestClients.echo(client, message));
        }
    }

    /** In TLS 1.3 the client may finish before the server has judged its certificate. */
    private static void assertRefusedByServer(TlsTestServer listener, SSLSocket client) throws Exception {
        try {
            client.startHandshake();
            client.getOutputStream().write(1);
            client.getOutputStream().flush();
            assertEquals(-1, client.getInputStream().read());
        } catch (IOException expected) {
            // The server's alert, as the client sees it.
        }
        assertInstanceOf(SSLHandshakeException.class, listener.nextFailure());
    }

    @Test
    void aSilentPeerTimesTheHandshakeOut() throws Exception {
        ServerTls tls = serverTls(server, KeyForm.PKCS8, false);
        try (TlsTestServer listener = new TlsTestServer(tls, Duration.ofMillis(300));
                Socket silent = new Socket(InetAddress.getLoopbackAddress(), listener.port())) {
            TlsTestServer.Outcome outcome = listener.nextOutcome();

            assertInstanceOf(SocketTimeoutException.class, outcome.failure());
            assertTrue(outcome.elapsed().compareTo(Duration.ofMillis(250)) >= 0, outcome.elapsed().toString());
            assertTrue(outcome.elapsed().compareTo(Duration.ofSeconds(1)) < 0, outcome.elapsed().toString());
            assertEquals(-1, silent.getInputStream().read(), "the server closes a timed-out connection");
        }
    }

    /** How a caller enforces an overall deadline on a trickling peer: close the plain socket. */
    @Test
    void closingThePlainSocketEndsAStalledHandshake() throws Exception {
        ServerTls tls = serverTls(server, KeyForm.PKCS8, false);
        try (TlsTestServer listener = new TlsTestServer(tls, Duration.ofSeconds(30));
                Socket silent = new Socket(InetAddress.getLoopbackAddress(), listener.port())) {
            Thread.sleep(200);
            long start = System.nanoTime();
            listener.closeAcceptedSockets();
            TlsTestServer.Outcome outcome = listener.nextOutcome();

            assertInstanceOf(IOException.class, outcome.failure());
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(1).toNanos());
            assertEquals(-1, silent.getInputStream().read());
        }
    }

    @Test
    void noTimeLeftIsATimeoutAtOnce() throws Exception {
        ServerTls tls = serverTls(server, KeyForm.PKCS8, false);
        try (TlsTestServer listener = new TlsTestServer(tls, Duration.ZERO);
                Socket peer = new Socket(InetAddress.getLoopbackAddress(), listener.port())) {
            assertInstanceOf(SocketTimeoutException.class, listener.nextOutcome().failure());
            assertEquals(-1, peer.getInputStream().read());
        }
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsAConfigError() throws Exception {
        Path certFile = TestPki.writeCertificates(dir.resolve("cert.pem"), server.certificate());
        Path otherEc = TestPki.writeKey(dir.resolve("other.pem"), TestPki.ecKeys().getPrivate(), KeyForm.PKCS8);
        Path rsa = TestPki.writeKey(dir.resolve("rsa.pem"), TestPki.rsaKeys().getPrivate(), KeyForm.TRADITIONAL);

        TlsConfigException e = assertThrows(TlsConfigException.class, () -> ServerTls.load(certFile, otherEc, null, null));
        assertEquals(certFile + " and " + otherEc + " do not match", e.getMessage());
        e = assertThrows(TlsConfigException.class, () -> ServerTls.load(certFile, rsa, null, null));
        assertEquals(certFile + " and " + rsa + " do not match", e.getMessage());
    }

    @Test
    void aCaFileWithoutCertificatesIsAConfigError() throws Exception {
        Path certFile = TestPki.writeCertificates(dir.resolve("cert.pem"), server.certificate());
        Path keyFile = TestPki.writeKey(dir.resolve("key.pem"), server.privateKey(), KeyForm.PKCS8);
        Path ca = Files.writeString(dir.resolve("ca.pem"), "");
        TlsConfigException e = assertThrows(TlsConfigException.class, () -> ServerTls.load(certFile, keyFile, ca, null));
        assertEquals(ca + ": no certificate found", e.getMessage());
    }

    @Test
    void aChainWithAnIntermediateIsServed() throws Exception {
        Identity intermediate = pki.intermediate("Test intermediate");
        Identity chained = pki.server(TestPki.ecKeys(), intermediate);
        Path certFile = TestPki.writeCertificates(dir.resolve("cert.pem"), chained.certificate(), intermediate.certificate());
        Path keyFile = TestPki.writeKey(dir.resolve("key.pem"), chained.privateKey(), KeyForm.PKCS8);
        ServerTls tls = ServerTls.load(certFile, keyFile, null, null);
        try (TlsTestServer listener = new TlsTestServer(tls);
                SSLSocket client = TestClients.jdkClient(listener.port(), pki.ca().certificate(), null)) {
            client.startHandshake();
            listener.nextHandshaken();

            Certificate[] presented = client.getSession().getPeerCertificates();
            assertEquals(chained.certificate(), presented[0]);
            assertEquals(intermediate.certificate(), presented[1]);
        }
    }

    @Test
    void reloadServesTheNewCertificateToNewConnectionsOnly() throws Exception {
        ServerTls tls = serverTls(server, KeyForm.TRADITIONAL_ENCRYPTED, false);
        Identity renewed = pki.server();
        assertNotEquals(server.certificate(), renewed.certificate());
        try (TlsTestServer listener = new TlsTestServer(tls);
                SSLSocket before = TestClients.jdkClient(listener.port(), pki.ca().certificate(), null)) {
            before.startHandshake();
            listener.nextHandshaken();
            assertEquals(server.certificate(), before.getSession().getPeerCertificates()[0]);

            TestPki.writeCertificates(cert, renewed.certificate());
            TestPki.writeKey(key, renewed.privateKey(), KeyForm.TRADITIONAL_ENCRYPTED);
            tls.reload();

            try (SSLSocket after = TestClients.jdkClient(listener.port(), pki.ca().certificate(), null)) {
                after.startHandshake();
                listener.nextHandshaken();
                assertEquals(renewed.certificate(), after.getSession().getPeerCertificates()[0]);
            }
            byte[] message = "still here".getBytes(StandardCharsets.US_ASCII);
            assertArrayEquals(message, TestClients.echo(before, message));

            Files.writeString(cert, "-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n");
            TlsConfigException e = assertThrows(TlsConfigException.class, tls::reload);
            assertTrue(e.getMessage().startsWith(cert + ": "), e.getMessage());

            try (SSLSocket afterFailure = TestClients.jdkClient(listener.port(), pki.ca().certificate(), null)) {
                afterFailure.startHandshake();
                listener.nextHandshaken();
                assertEquals(renewed.certificate(), afterFailure.getSession().getPeerCertificates()[0]);
            }
            assertArrayEquals(message, TestClients.echo(before, message));
        }
    }

    @Test
    void reloadRefusesAKeyThatNoLongerMatches() throws Exception {
        ServerTls tls = serverTls(server, KeyForm.PKCS8, false);
        TestPki.writeCertificates(cert, pki.server().certificate());

        TlsConfigException e = assertThrows(TlsConfigException.class, tls::reload);

        assertEquals(cert + " and " + key + " do not match", e.getMessage());
    }
}
