package scremoted.tlsint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import scremoted.server.Limits;
import scremoted.server.Timing;
import scremoted.testing.SimScamper;
import scremoted.testing.TestServer;
import scremoted.testing.TlsConnector;
import scremoted.tls.ServerTls;
import scremoted.tls.TestPki;
import scremoted.tls.TestPki.Identity;
import scremoted.tls.TestPki.KeyForm;

/**
 * A fresh PKI written to a directory (ca.pem, server-cert.pem, server-key.pem) and servers started with it:
 * the real {@link scremoted.server.Server} in-process, with TLS.
 */
final class TlsEnv {
    final Path dir;
    final TestPki pki;
    final Identity server;
    final Path ca;
    final Path cert;
    final Path key;

    private TlsEnv(Path dir, TestPki pki) {
        this.dir = dir;
        this.pki = pki;
        this.server = pki.server();
        this.ca = TestPki.writeCertificates(dir.resolve("ca.pem"), pki.ca().certificate());
        this.cert = TestPki.writeCertificates(dir.resolve("server-cert.pem"), server.certificate());
        this.key = TestPki.writeKey(dir.resolve("server-key.pem"), server.privateKey(), KeyForm.PKCS8);
    }

    static TlsEnv create(Path dir) {
        return new TlsEnv(dir, TestPki.create("tlsint CA " + System.nanoTime()));
    }

    /**
     * Starts a server with -c/-p (and -C ca.pem when {@code clientCertificates}) on 127.0.0.1, sockets in
     * dir/sockets-N, plus {@code extra} arguments.
     */
    TestServer start(Timing timing, Limits limits, int zombieSeconds, boolean clientCertificates, String... extra)
            throws Exception {
        Path sockets = Files.createTempDirectory(dir, "s");
        List<String> args = new ArrayList<>(List.of("-c", cert.toString(), "-p", key.toString()));
        if (clientCertificates) {
            args.addAll(List.of("-C", ca.toString()));
        }
        args.addAll(Arrays.asList(extra));
        ServerTls tls = ServerTls.load(cert, key, clientCertificates ? ca : null, null);
        return TestServer.startTls(sockets, timing, limits, zombieSeconds, tls, args.toArray(String[]::new));
    }

    /** A SunJSSE connector to the server trusting this CA, presenting {@code client} if not null. */
    TlsConnector connector(TestServer s, Identity client) {
        return client == null ? new TlsConnector(s.address, pki.ca().certificate())
                : new TlsConnector(s.address, pki.ca().certificate(), client.privateKey(), client.certificate());
    }

    /** A TLS sim (with the usual keepalive) registered with the server for closing. */
    static SimScamper sim(TestServer s, TlsConnector connector, String name) {
        return s.sim(connector, SimScamper.randomMagic(), name);
    }

    static byte[] allByteValues(int repeat) {
        byte[] b = new byte[256 * repeat];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    static void writeFile(Path p, String text) throws IOException {
        Files.writeString(p, text);
    }
}
