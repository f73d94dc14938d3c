package scremoted.tls;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.tls.TlsException;

/**
 * The server's TLS context, reloadable. {@link #wrap} and {@link #handshake} run on each accepted
 * connection's virtual thread; {@link #reload} runs on whichever thread handles SIGHUP. A reload
 * swaps in a whole new context for later wraps; sockets already wrapped keep the one they got.
 */
public final class ServerTls {
    private static final char[] KEY_STORE_PASSWORD = new char[0];

    private final Path certFile;
    private final Path keyFile;
    private final Path caFile;
    private final char[] passphrase;
    private final ReentrantLock reloading = new ReentrantLock();
    private volatile Material material;

    /** One generation of certificate, key and CA, ready to wrap sockets. */
    private record Material(SSLContext context, SSLParameters parameters) {}

    private ServerTls(Path certFile, Path keyFile, Path caFile, char[] passphrase, Material material) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.caFile = caFile;
        this.passphrase = passphrase;
        this.material = material;
    }

    /**
     * Reads and checks the material.
     *
     * @param cert PEM chain, server certificate first
     * @param key PEM private key matching the server certificate
     * @param caOrNull PEM CA certificates client certificates must verify against, or null to ask
     *     for no client certificate
     * @param passphraseOrNull the key's passphrase (kept, copied, for {@link #reload}), or null
     *     for an unencrypted key
     */
    public static ServerTls load(Path cert, Path key, Path caOrNull, char[] passphraseOrNull)
            throws TlsConfigException {
        char[] passphrase = passphraseOrNull == null ? null : passphraseOrNull.clone();
        return new ServerTls(cert, key, caOrNull, passphrase, read(cert, key, caOrNull, passphrase));
    }

    /** A server-mode TLS socket over an accepted connection; closing it closes that connection. */
    public SSLSocket wrap(Socket accepted) throws IOException {
        Material current = material;
        SSLSocket socket = (SSLSocket) current.context().getSocketFactory().createSocket(accepted, null, true);
        socket.setSSLParameters(current.parameters());
        return socket;
    }

    /**
     * Runs the handshake, giving up when the peer sends nothing for {@code timeout}. The timeout
     * is a read timeout on the socket because closing a BCJSSE socket from another thread does not
     * wake a handshake stalled in a read. It bounds each read, not the whole handshake: a caller
     * holding an overall deadline against a peer that trickles bytes closes the accepted plain
     * socket when the deadline passes, which does wake the handshake.
     *
     * <p>On failure the socket is unusable and the caller closes it.
     *
     * @throws SocketTimeoutException the peer went quiet for {@code timeout}, or no time was left
     * @throws SSLHandshakeException TLS said no: protocol version, cipher suites, client
     *     certificate missing or not trusted, an alert from the peer (the message names it)
     * @throws IOException the connection failed
     */
    public void handshake(SSLSocket socket, Duration timeout) throws IOException {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new SocketTimeoutException("no time left for the TLS handshake");
        }
        socket.setSoTimeout(soTimeoutMillis(timeout));
        try {
            socket.startHandshake();
        } catch (TlsException e) {
            // BCJSSE reports alerts as its own IOException subclasses; callers should not need bctls.
            throw new SSLHandshakeException(e.getMessage(), e);
        }
        socket.setSoTimeout(0);
    }

    /**
     * Re-reads certificate, key and CA from the files given at load, with the same passphrase.
     * On failure the previous material stays in use and the exception says why.
     */
    public void reload() throws TlsConfigException {
        reloading.lock();
        try {
            material = read(certFile, keyFile, caFile, passphrase);
        } finally {
            reloading.unlock();
        }
    }

    /** Whether a CA was given, so every client must present a certificate it verifies. */
    public boolean requiresClientCertificate() {
        return caFile != null;
    }

    private static int soTimeoutMillis(Duration timeout) {
        if (timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) >= 0) {
            return Integer.MAX_VALUE;
        }
        // SO_TIMEOUT 0 would mean "wait forever": round a sub-millisecond remainder up.
        return (int) Math.max(1, timeout.toMillis());
    }

    private static Material read(Path certFile, Path keyFile, Path caFile, char[] passphrase)
            throws TlsConfigException {
        List<X509Certificate> chain = PemMaterial.certificates(certFile);
        PrivateKey key = PemMaterial.privateKey(keyFile, passphrase);
        KeyMatch.require(chain.get(0), certFile, key, keyFile);
        List<X509Certificate> cas = caFile == null ? null : PemMaterial.certificates(caFile);
        SSLContext context;
        try {
            context = SSLContext.getInstance("TLS", Providers.JSSE);
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("PKIX", Providers.JSSE);
            keyManagers.init(keyStore(chain, key), KEY_STORE_PASSWORD);
            context.init(keyManagers.getKeyManagers(), cas == null ? null : trustManagers(cas), new SecureRandom());
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsConfigException(certFile + ", " + keyFile + (caFile == null ? "" : ", " + caFile)
                    + ": cannot set up TLS: " + e.getMessage(), e);
        }
        return new Material(context, TlsPolicy.serverParameters(context, cas != null));
    }

    private static KeyStore keyStore(List<X509Certificate> chain, PrivateKey key)
            throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12", Providers.BC);
        store.load(null, null);
        store.setKeyEntry("server", key, KEY_STORE_PASSWORD, chain.toArray(X509Certificate[]::new));
        return store;
    }

    /** Client certificates must chain to one of the CAs. No revocation checks, as in the C server. */
    private static TrustManager[] trustManagers(List<X509Certificate> cas) throws GeneralSecurityException {
        Set<TrustAnchor> anchors = new HashSet<>();
        for (X509Certificate ca : cas) {
            anchors.add(new TrustAnchor(ca, null));
        }
        PKIXBuilderParameters pkix = new PKIXBuilderParameters(anchors, new X509CertSelector());
        pkix.setRevocationEnabled(false);
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX", Providers.JSSE);
        factory.init(new CertPathTrustManagerParameters(pkix));
        return factory.getTrustManagers();
    }
}
