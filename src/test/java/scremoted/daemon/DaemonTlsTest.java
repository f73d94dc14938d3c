package scremoted.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scremoted.tls.TestPki;
import scremoted.wire.Control;
import scremoted.wire.Frame;
import scremoted.wire.FrameReader;
import scremoted.wire.Messages;

/**
 * -D with an encrypted key: the invoking process obtains the passphrase and hands it to the daemon
 * through a pipe; the daemon has loaded the TLS material before the invoking process returns 0.
 */
@Timeout(60)
class DaemonTlsTest {
    @TempDir
    Path tmp;

    private long daemonPid = -1;

    @AfterEach
    void killLeftovers() {
        if (daemonPid > 0) {
            ProcessHandle.of(daemonPid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void daemonServesTlsWithThePassphraseItWasHanded() throws Exception {
        TestPki pki = TestPki.create("daemon test CA");
        TestPki.Identity server = pki.server();
        Path cert = TestPki.writeCertificates(tmp.resolve("cert.pem"), server.certificate());
        Path key = TestPki.writeKey(tmp.resolve("key.pem"), server.privateKey(), TestPki.KeyForm.PKCS8_ENCRYPTED,
                TestPki.PASSPHRASE);
        Path passphraseFile = Files.writeString(tmp.resolve("pass"), new String(TestPki.PASSPHRASE) + "\n");
        Path dir = Files.createDirectory(tmp.resolve("u"));
        Path pidFile = tmp.resolve("pid");
        int port = ServerProcess.freePort();

        ServerProcess.Result wrong = ServerProcess.run(Duration.ofSeconds(30),
                Map.of("SC_REMOTED_PASSPHRASE_FILE", Files.writeString(tmp.resolve("bad"), "nope\n").toString()),
                "-D", "-P", "127.0.0.1:" + port, "-U", dir.toString(), "-c", cert.toString(), "-p", key.toString());
        assertEquals(1, wrong.exit());
        assertTrue(wrong.stderr().contains("key.pem: wrong passphrase"), wrong.stderr());

        ServerProcess.Result start = ServerProcess.run(Duration.ofSeconds(30),
                Map.of("SC_REMOTED_PASSPHRASE_FILE", passphraseFile.toString()),
                "-D", "-P", "127.0.0.1:" + port, "-U", dir.toString(), "-c", cert.toString(), "-p", key.toString(),
                "-e", pidFile.toString());
        assertEquals(0, start.exit(), start.stderr());
        daemonPid = Long.parseLong(Files.readString(pidFile).strip());
        String environ = Files.readString(Path.of("/proc", Long.toString(daemonPid), "environ"), StandardCharsets.ISO_8859_1);
        assertTrue(environ.contains("SC_REMOTED_DAEMON_CHILD=passphrase"), "the passphrase came through the pipe");
        String cmdline = Files.readString(Path.of("/proc", Long.toString(daemonPid), "cmdline"), StandardCharsets.ISO_8859_1);
        assertFalse(cmdline.contains(new String(TestPki.PASSPHRASE)), "never on the command line");

        try (SSLSocket socket = connect(pki, port)) {
            socket.getOutputStream().write(Messages.encode(0, new Control.MasterNew(new byte[] {9, 8, 7, 6, 5, 4, 3, 2}, "tls.vp")));
            Frame f = new FrameReader(socket.getInputStream()).read();
            Control.MasterId id = (Control.MasterId) Messages.decode(f);
            assertEquals("TLSv1.3", socket.getSession().getProtocol());
            Path unix = dir.resolve("tls.vp-" + id.id());
            assertTrue(ServerProcess.poll(Duration.ofSeconds(5), () -> Files.exists(unix)));
        }
        ProcessHandle daemon = ProcessHandle.of(daemonPid).orElseThrow();
        new ProcessBuilder("kill", "-TERM", Long.toString(daemonPid)).start().waitFor();
        daemon.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
        daemonPid = -1;
        assertFalse(Files.exists(pidFile));
    }

    private static SSLSocket connect(TestPki pki, int port) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", pki.ca().certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        try {
            socket.startHandshake();
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return socket;
    }
}
