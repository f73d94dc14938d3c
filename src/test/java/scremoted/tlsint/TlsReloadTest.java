package scremoted.tlsint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scremoted.testing.Await;
import scremoted.testing.SimScamper;
import scremoted.testing.TlsConnector;
import scremoted.testing.UnixClient;
import scremoted.tls.TestPki;
import scremoted.tls.TestPki.Identity;
import scremoted.tls.TestPki.KeyForm;

/**
 * SIGHUP reloads certificate and key for new connections while established ones carry on; a broken reload
 * keeps the previous material (PROTOCOL.md section 10). The server runs as a subprocess (scremoted.Main) with
 * an encrypted key whose passphrase comes through SC_REMOTED_PASSPHRASE_FILE.
 */
class TlsReloadTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    @Test
    @Timeout(60)
    void sighupSwapsTheCertificateForNewConnectionsOnlyAndABrokenReloadKeepsThePrevious() throws Exception {
        TestPki pki = TestPki.create("reload CA");
        Path ca = TestPki.writeCertificates(tmp.resolve("ca.pem"), pki.ca().certificate());
        Path cert = tmp.resolve("server-cert.pem");
        Path key = tmp.resolve("server-key.pem");
        Identity first = pki.server();
        writeServer(first, cert, key);
        Path passphrase = tmp.resolve("passphrase");
        Files.writeString(passphrase, new String(TestPki.PASSPHRASE) + "\n");
        Path sockets = Files.createDirectory(tmp.resolve("s"));
        Path log = tmp.resolve("server.log");

        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "scremoted.Main",
                "-P", "127.0.0.1:" + port, "-U", sockets.toString(), "-c", cert.toString(), "-p", key.toString(),
                "-Z", "60", "-O", "debug"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("SC_REMOTED_PASSPHRASE_FILE", passphrase.toString());
        Process server = builder.start();
        List<SimScamper> sims = new ArrayList<>();
        List<UnixClient> clients = new ArrayList<>();
        try {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
            TlsConnector connector = new TlsConnector(address, pki.ca().certificate());
            awaitListening(server, address, log);

            // Before the reload: the first certificate; a monitor and a client with a channel.
            SimScamper before = new SimScamper(connector, "before");
            sims.add(before);
            before.hello();
            assertEquals(first.certificate(), connector.lastServerCertificate());
            javax.net.ssl.SSLSocket beforeTls = connector.lastTls();
            before.echo(true);
            UnixClient beforeClient = UnixClient.connect(socketOf(sockets, before));
            clients.add(beforeClient);
            beforeClient.startReading();
            before.awaitChannelNew();
            byte[] one = "before the reload\n".getBytes(StandardCharsets.US_ASCII);
            beforeClient.write(one);
            assertArrayEquals(one, beforeClient.awaitBytes(one.length, WAIT));

            // Replace the files with a new certificate (new key, new serial) and SIGHUP.
            Identity second = pki.server();
            assertNotEquals(first.certificate().getSerialNumber(), second.certificate().getSerialNumber());
            writeServer(second, cert, key);
            hangup(server);
            Await.until(() -> "a new connection seeing the second certificate; log:\n" + read(log), WAIT,
                    () -> serverCertificate(connector).equals(second.certificate()));
            assertTrue(read(log).contains("SIGHUP: TLS certificate, key and CA reloaded"), read(log));

            // The connection made before the reload still works, with the certificate it started with.
            assertEquals(first.certificate(), beforeTls.getSession().getPeerCertificates()[0]);
            assertTrue(!beforeTls.isClosed() && !before.closedByServer());
            byte[] two = "after the reload\n".getBytes(StandardCharsets.US_ASCII);
            beforeClient.write(two);
            assertArrayEquals(concat(one, two), beforeClient.awaitBytes(one.length + two.length, WAIT));

            // A monitor on the new certificate works too.
            SimScamper after = new SimScamper(connector, "after");
            sims.add(after);
            after.hello();
            assertEquals(second.certificate(), connector.lastServerCertificate());
            roundTrip(sockets, after, clients);

            // A broken certificate file: the reload fails, the second certificate stays in use.
            Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");
            hangup(server);
            Await.until(() -> "the failed reload logged; log:\n" + read(log), WAIT,
                    () -> read(log).contains("SIGHUP: reload failed, keeping the previous TLS material"));
            assertTrue(server.isAlive(), "the server must survive a failed reload");
            SimScamper afterBroken = new SimScamper(connector, "after-broken");
            sims.add(afterBroken);
            afterBroken.hello();
            assertEquals(second.certificate(), connector.lastServerCertificate());
            roundTrip(sockets, afterBroken, clients);

            // And the oldest connection is still fine.
            byte[] three = "after the failed reload\n".getBytes(StandardCharsets.US_ASCII);
            beforeClient.write(three);
            byte[] all = concat(concat(one, two), three);
            assertArrayEquals(all, beforeClient.awaitBytes(all.length, WAIT));
            for (SimScamper s : sims) {
                s.assertNoViolations();
            }

            // SIGTERM: a clean exit that removes the socket files.
            server.destroy();
            assertTrue(server.waitFor(10, TimeUnit.SECONDS), "no exit after SIGTERM");
            assertEquals(0, server.exitValue(), read(log));
            try (var entries = Files.list(sockets)) {
                assertEquals(List.of(), entries.toList());
            }
        } finally {
            clients.forEach(UnixClient::close);
            sims.forEach(SimScamper::close);
            if (server.isAlive()) {
                server.destroyForcibly();
                server.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static void writeServer(Identity id, Path cert, Path key) {
        TestPki.writeKey(key, id.privateKey(), KeyForm.PKCS8_ENCRYPTED);
        TestPki.writeCertificates(cert, id.certificate());
    }

    private static void hangup(Process server) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(server.pid())).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, kill.exitValue());
    }

    private static void awaitListening(Process server, InetSocketAddress address, Path log) {
        Await.until(() -> "the server listening on " + address + "; log:\n" + read(log), Duration.ofSeconds(20), () -> {
            if (!server.isAlive()) {
                throw new AssertionError("the server exited " + server.exitValue() + ":\n" + read(log));
            }
            try (Socket s = new Socket()) {
                s.connect(address, 1000);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** The certificate a fresh TLS connection is shown (the connection is then closed). */
    private static X509Certificate serverCertificate(TlsConnector connector) {
        try (Socket s = connector.connect()) {
            return connector.lastServerCertificate();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Path socketOf(Path sockets, SimScamper sim) {
        return sockets.resolve(sim.name() + "-" + sim.addressString());
    }

    private static void roundTrip(Path sockets, SimScamper sim, List<UnixClient> clients) throws IOException {
        Path socket = socketOf(sockets, sim);
        Await.until("socket " + socket, WAIT, () -> Files.exists(socket));
        sim.echo(true);
        UnixClient c = UnixClient.connect(socket);
        clients.add(c);
        sim.awaitChannelNew();
        byte[] line = ("via " + sim.name() + "\n").getBytes(StandardCharsets.US_ASCII);
        c.write(line);
        assertArrayEquals(line, c.awaitBytes(line.length, WAIT));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
