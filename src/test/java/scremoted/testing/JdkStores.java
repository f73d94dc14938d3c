package scremoted.testing;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** Key and trust managers of the JDK's TLS for test clients, from in-memory keys and certificates. */
public final class JdkStores {
    private static final char[] STORE_PASSWORD = "test".toCharArray();

    private JdkStores() {}

    /** A client identity, or null (no client certificate) when {@code key} is null. */
    public static KeyManager[] keyManagers(PrivateKey key, X509Certificate certificate)
            throws GeneralSecurityException, IOException {
        if (key == null) {
            return null;
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("client", key, STORE_PASSWORD, new X509Certificate[] {certificate});
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, STORE_PASSWORD);
        return factory.getKeyManagers();
    }

    /** Trust in one CA. */
    public static TrustManager[] trusting(X509Certificate ca) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", ca);
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory.getTrustManagers();
    }
}
