package scremoted.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A {@link SimScamper.Connector} for TLS as scamper does it, but with the JDK's own SunJSSE (a different TLS
 * stack from the server's BCJSSE): a plain TCP socket to the server with a client-mode {@link SSLSocket}
 * layered over it, trusting only the given CA and checking the server certificate names the address dialled
 * (as scamper checks the host name), optionally presenting a client certificate. The handshake is done before
 * {@link #connect()} returns.
 *
 * <p>The client identity can be switched between connections ({@link #present}); the last raw socket is kept
 * so that a test can cut the TCP connection under TLS without a close_notify ({@link #cutRaw()}).
 */
public final class TlsConnector implements SimScamper.Connector {

    private final InetSocketAddress server;
    private final X509Certificate ca;
    private volatile SSLContext context;
    private volatile Socket lastRaw;
    private volatile SSLSocket lastTls;

    public TlsConnector(InetSocketAddress server, X509Certificate ca) {
        this(server, ca, null, null);
    }

    public TlsConnector(InetSocketAddress server, X509Certificate ca, PrivateKey clientKey, X509Certificate clientCert) {
        this.server = server;
        this.ca = ca;
        present(clientKey, clientCert);
    }

    /** From the next connection on, present this client certificate (null, null: none). */
    public TlsConnector present(PrivateKey clientKey, X509Certificate clientCert) {
        try {
            SSLContext c = SSLContext.getInstance("TLS", "SunJSSE");
            c.init(JdkStores.keyManagers(clientKey, clientCert), JdkStores.trusting(ca), new SecureRandom());
            context = c;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    @Override
    public Socket connect() throws IOException {
        Socket raw = new Socket();
        raw.setTcpNoDelay(true);
        raw.connect(server, 5000);
        lastRaw = raw;
        SSLSocket tls = (SSLSocket) context.getSocketFactory()
                .createSocket(raw, server.getAddress().getHostAddress(), server.getPort(), true);
        SSLParameters p = tls.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(p);
        tls.setSoTimeout(10_000);
        try {
            tls.startHandshake();
        } catch (IOException e) {
            raw.close();
            throw e;
        }
        tls.setSoTimeout(0);
        lastTls = tls;
        return tls;
    }

    /** The TLS socket of the last successful connection. */
    public SSLSocket lastTls() {
        return lastTls;
    }

    /** The server certificate seen on the last successful connection. */
    public X509Certificate lastServerCertificate() {
        try {
            return (X509Certificate) lastTls.getSession().getPeerCertificates()[0];
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            throw new AssertionError(e);
        }
    }

    /** Aborts the TCP connection under the last TLS socket: RST, no close_notify. */
    public void cutRaw() {
        Socket raw = lastRaw;
        if (raw == null) {
            return;
        }
        try {
            raw.setSoLinger(true, 0);
        } catch (IOException e) {
            // already closed
        }
        try {
            raw.close();
        } catch (IOException e) {
            // ignore
        }
    }
}
