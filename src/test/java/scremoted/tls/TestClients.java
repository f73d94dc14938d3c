package scremoted.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import scremoted.testing.JdkStores;

/**
 * TLS clients for tests: the JDK's own SunJSSE (a different implementation from the server's
 * BCJSSE), and a raw TLS 1.1 ClientHello for what SunJSSE will no longer send.
 */
final class TestClients {

    private TestClients() {}

    /**
     * A SunJSSE socket, connected but not yet handshaken, to 127.0.0.1:port that trusts {@code ca}, checks the
     * server certificate's IP address name, and presents {@code clientOrNull} if given.
     *
     * @param protocols the protocols to offer, or none for the JDK's defaults
     */
    static SSLSocket jdkClient(int port, X509Certificate ca, TestPki.Identity clientOrNull, String... protocols)
            throws IOException, GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(clientOrNull == null ? null : JdkStores.keyManagers(clientOrNull.privateKey(), clientOrNull.certificate()),
                JdkStores.trusting(ca), new SecureRandom());
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (protocols.length > 0) {
            parameters.setProtocols(protocols);
        }
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Sends {@code message} and reads back as many bytes (the test server echoes). */
    static byte[] echo(SSLSocket socket, byte[] message) throws IOException {
        socket.getOutputStream().write(message);
        socket.getOutputStream().flush();
        return socket.getInputStream().readNBytes(message.length);
    }

    /**
     * Sends a TLS 1.1 ClientHello (ECDHE/RSA CBC suites, P-256) and returns what the server
     * answered until it closed: an alert record starts with 0x15, a ServerHello with 0x16.
     */
    static byte[] tls11Hello(int port) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(new byte[] {3, 2});
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        body.write(random);
        body.write(0);
        body.write(new byte[] {0, 6, (byte) 0xc0, 0x13, (byte) 0xc0, 0x09, 0x00, 0x2f});
        body.write(new byte[] {1, 0});
        byte[] extensions = {
            0x00, 0x0a, 0, 4, 0, 2, 0, 0x17,
            0x00, 0x0b, 0, 2, 1, 0,
        };
        body.write(0);
        body.write(extensions.length);
        body.write(extensions);
        byte[] hello = body.toByteArray();

        ByteArrayOutputStream record = new ByteArrayOutputStream();
        int handshakeLength = hello.length + 4;
        record.write(new byte[] {0x16, 3, 2, (byte) (handshakeLength >> 8), (byte) handshakeLength});
        record.write(new byte[] {1, 0, (byte) (hello.length >> 8), (byte) hello.length});
        record.write(hello);

        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(record.toByteArray());
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            return in.readAllBytes();
        }
    }
}
