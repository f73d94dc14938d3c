package scremoted.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import scremoted.tls.TestPki.Identity;
import scremoted.tls.TestPki.KeyForm;

/** Keys and certificates made by OpenSSL load here; OpenSSL's client (what scamper uses) talks to us. */
class OpensslInteropTest {
    private static final String SECRET = "openssl secret";

    @TempDir
    static Path dir;

    private static TestPki pki;
    private static Path caFile;

    @BeforeAll
    static void opensslMaterial() throws Exception {
        Assumptions.assumeTrue(OpensslCli.available(), "no openssl command");
        String pass = "pass:" + SECRET;
        OpensslCli.succeed(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                "-aes-256-cbc", "-pass", pass, "-out", "rsa-pkcs8-enc.pem");
        OpensslCli.succeed(dir, "rsa", "-in", "rsa-pkcs8-enc.pem", "-passin", pass, "-traditional",
                "-aes256", "-passout", pass, "-out", "rsa-trad-aes.pem");
        OpensslCli.succeed(dir, "rsa", "-in", "rsa-pkcs8-enc.pem", "-passin", pass, "-traditional",
                "-des3", "-passout", pass, "-out", "rsa-trad-3des.pem");
        OpensslCli.succeed(dir, "rsa", "-in", "rsa-pkcs8-enc.pem", "-passin", pass, "-traditional",
                "-out", "rsa-trad.pem");
        OpensslCli.succeed(dir, "rsa", "-in", "rsa-pkcs8-enc.pem", "-passin", pass, "-traditional",
                "-camellia256", "-passout", pass, "-out", "rsa-trad-camellia.pem");
        OpensslCli.succeed(dir, "ecparam", "-name", "prime256v1", "-genkey", "-out", "ec-trad.pem");
        OpensslCli.succeed(dir, "ec", "-in", "ec-trad.pem", "-aes256", "-passout", pass, "-out", "ec-trad-enc.pem");
        OpensslCli.succeed(dir, "pkcs8", "-topk8", "-in", "ec-trad.pem", "-nocrypt", "-out", "ec-pkcs8.pem");
        OpensslCli.succeed(dir, "pkcs8", "-topk8", "-in", "ec-trad.pem", "-v2", "aes-128-cbc",
                "-v2prf", "hmacWithSHA512", "-passout", pass, "-out", "ec-pkcs8-enc.pem");
        OpensslCli.succeed(dir, "pkcs8", "-topk8", "-in", "ec-trad.pem", "-v2", "des3", "-passout", pass,
                "-out", "ec-pkcs8-des3.pem");
        OpensslCli.succeed(dir, "pkcs8", "-topk8", "-in", "ec-trad.pem", "-scrypt", "-passout", pass,
                "-out", "ec-pkcs8-scrypt.pem");
        OpensslCli.succeed(dir, "pkcs8", "-topk8", "-in", "ec-trad.pem", "-v1", "PBE-SHA1-3DES", "-passout", pass,
                "-out", "ec-pkcs8-pbe-sha1-3des.pem");
        for (String algorithm : new String[] {"rsa", "ec"}) {
            String key = algorithm.equals("rsa") ? "rsa-pkcs8-enc.pem" : "ec-trad.pem";
            OpensslCli.succeed(dir, "req", "-x509", "-new", "-key", key, "-passin", pass, "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-days", "1",
                    "-out", algorithm + "-cert.pem");
        }

        pki = TestPki.create("Test CA");
        caFile = TestPki.writeCertificates(dir.resolve("ca.pem"), pki.ca().certificate());
    }

    @ParameterizedTest
    @CsvSource({
        "rsa-cert.pem, rsa-pkcs8-enc.pem, true",
        "rsa-cert.pem, rsa-trad-aes.pem, true",
        "rsa-cert.pem, rsa-trad-3des.pem, true",
        "rsa-cert.pem, rsa-trad.pem, false",
        "ec-cert.pem, ec-trad.pem, false",
        "ec-cert.pem, ec-trad-enc.pem, true",
        "ec-cert.pem, ec-pkcs8.pem, false",
        "ec-cert.pem, ec-pkcs8-enc.pem, true",
        "ec-cert.pem, ec-pkcs8-des3.pem, true",
        "ec-cert.pem, ec-pkcs8-scrypt.pem, true",
        "ec-cert.pem, ec-pkcs8-pbe-sha1-3des.pem, true",
    })
    void opensslKeysLoadAndMatchTheirCertificates(String cert, String key, boolean encrypted) throws Exception {
        Path keyFile = dir.resolve(key);
        assertEquals(encrypted, PemMaterial.isEncrypted(keyFile));
        ServerTls.load(dir.resolve(cert), keyFile, null, encrypted ? SECRET.toCharArray() : null);
        if (encrypted) {
            TlsConfigException e = assertThrows(TlsConfigException.class,
                    () -> PemMaterial.privateKey(keyFile, "not the secret".toCharArray()));
            assertEquals(keyFile + ": wrong passphrase", e.getMessage());
        }
    }

    /** The other way round: the files our tests write are ones OpenSSL reads, with the same key. */
    @ParameterizedTest
    @EnumSource(KeyForm.class)
    void opensslReadsEveryTestKeyForm(KeyForm form) throws Exception {
        for (KeyPair keys : new KeyPair[] {TestPki.ecKeys(), TestPki.rsaKeys()}) {
            Path key = TestPki.writeKey(dir.resolve("ours-" + form + ".pem"), keys.getPrivate(), form);
            String publicKey = OpensslCli.succeed(dir, "pkey", "-in", key.getFileName().toString(),
                    "-passin", "pass:" + new String(TestPki.PASSPHRASE), "-pubout");
            assertEquals(pem("PUBLIC KEY", keys.getPublic().getEncoded()), publicKey.strip());
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----";
    }

    @Test
    void anUnknownKeyCipherIsSaidToBeUnsupported() {
        Path keyFile = dir.resolve("rsa-trad-camellia.pem");
        TlsConfigException e = assertThrows(TlsConfigException.class,
                () -> PemMaterial.privateKey(keyFile, SECRET.toCharArray()));
        assertTrue(e.getMessage().startsWith(keyFile + ": the key is encrypted with a cipher this build cannot read"), e.getMessage());
    }

    @Test
    void anOpensslCertificateAndKeyServeTls13() throws Exception {
        ServerTls tls = ServerTls.load(dir.resolve("rsa-cert.pem"), dir.resolve("rsa-trad-aes.pem"), null,
                SECRET.toCharArray());
        X509Certificate selfSigned = PemMaterial.certificates(dir.resolve("rsa-cert.pem")).get(0);
        try (TlsTestServer listener = new TlsTestServer(tls);
                SSLSocket client = TestClients.jdkClient(listener.port(), selfSigned, null)) {
            client.startHandshake();
            listener.nextHandshaken();
            assertEquals("TLSv1.3", client.getSession().getProtocol());
        }
    }

    private static ServerTls testPkiServer(boolean withCa) throws Exception {
        Identity server = pki.server();
        Path cert = TestPki.writeCertificates(dir.resolve("server-cert.pem"), server.certificate());
        Path key = TestPki.writeKey(dir.resolve("server-key.pem"), server.privateKey(), KeyForm.PKCS8);
        return ServerTls.load(cert, key, withCa ? caFile : null, null);
    }

    private static String[] sClient(int port, String... more) {
        String[] base = {"s_client", "-connect", "127.0.0.1:" + port, "-CAfile", "ca.pem", "-brief",
            "-verify_return_error", "-verify_ip", "127.0.0.1"};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void opensslSClientGetsTls13AndAVerifiedCertificate() throws Exception {
        try (TlsTestServer listener = new TlsTestServer(testPkiServer(false))) {
            String output = OpensslCli.succeed(dir, sClient(listener.port()));
            listener.nextHandshaken();
            assertTrue(output.contains("Protocol version: TLSv1.3"), output);
            assertTrue(output.contains("Verification: OK"), output);
        }
    }

    @Test
    void opensslSClientLimitedToTls11IsRefusedByTheServer() throws Exception {
        try (TlsTestServer listener = new TlsTestServer(testPkiServer(false))) {
            OpensslCli.Result result = OpensslCli.run(dir, sClient(listener.port(), "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"));
            Exception refusal = listener.nextFailure();
            assertNotEquals(0, result.exitCode(), result.output());
            assertTrue(refusal instanceof SSLHandshakeException && refusal.getMessage().contains("protocol_version"),
                    refusal.toString());
        }
    }

    @Test
    void opensslSClientWithAClientCertificateIsAcceptedAndNamed() throws Exception {
        Identity monitor = pki.client("monitor7.example.net");
        TestPki.writeCertificates(dir.resolve("client-cert.pem"), monitor.certificate());
        TestPki.writeKey(dir.resolve("client-key.pem"), monitor.privateKey(), KeyForm.TRADITIONAL);
        try (TlsTestServer listener = new TlsTestServer(testPkiServer(true))) {
            OpensslCli.succeed(dir, sClient(listener.port(), "-cert", "client-cert.pem", "-key", "client-key.pem"));
            SSLSocket accepted = listener.nextHandshaken();
            X509Certificate presented = MonitorNames.peerCertificate(accepted).orElseThrow();
            assertTrue(MonitorNames.certificateMatches(presented, "monitor7.example.net"));
        }
    }

    @Test
    void opensslSClientWithoutAClientCertificateIsRefusedWhenACaIsSet() throws Exception {
        try (TlsTestServer listener = new TlsTestServer(testPkiServer(true))) {
            OpensslCli.run(dir, sClient(listener.port()));
            Exception refusal = listener.nextFailure();
            assertTrue(refusal instanceof SSLHandshakeException, refusal.toString());
        }
    }
}
