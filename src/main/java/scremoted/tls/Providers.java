package scremoted.tls;

import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.crypto.Cipher;
import javax.crypto.NoSuchPaddingException;
import org.bouncycastle.jcajce.util.JcaJceHelper;
import org.bouncycastle.jcajce.util.ProviderJcaJceHelper;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/**
 * The BouncyCastle providers this package uses, as instances passed to every getInstance call. They
 * are never added to {@link java.security.Security}, so other code keeps the JDK's providers.
 */
final class Providers {
    /**
     * BCJSSE logs every connection and every failed handshake, with stack traces, at INFO through
     * java.util.logging, which goes to stderr. sc_remoted reports handshake failures itself; keep
     * only BCJSSE's SEVERE lines. The reference is held because JUL forgets the level of a logger
     * nobody references. Set before the providers exist: they log as they start.
     */
    private static final Logger BCJSSE_LOG = quiet(Logger.getLogger("org.bouncycastle.jsse"));

    /** Crypto (ciphers for encrypted keys, signatures, key factories, key stores). */
    static final Provider BC = new BouncyCastleProvider();

    /** TLS; its crypto comes from {@link #BC}, but for the record ciphers ({@link JdkRecordCiphers}). */
    static final Provider JSSE = new BouncyCastleJsseProvider(false, new JdkRecordCiphers());

    /**
     * BC for everything except the TLS record ciphers (AES-GCM, ChaCha20-Poly1305), which come
     * from the JDK's SunJCE: its AES-GCM runs on AES-NI/CLMUL intrinsics, BC's is plain Java and
     * made bulk transfer over TLS seven times slower (measured by the benchmark).
     */
    static final class JdkRecordCiphers extends JcaTlsCryptoProvider {
        JdkRecordCiphers() {
            setProvider(BC);
        }

        @Override
        public JcaTlsCrypto create(SecureRandom keyRandom, SecureRandom nonceRandom) {
            Provider jdk = Security.getProvider("SunJCE");
            JcaJceHelper helper = new ProviderJcaJceHelper(BC) {
                @Override
                public Cipher createCipher(String name) throws NoSuchAlgorithmException, NoSuchPaddingException {
                    if (jdk != null && (name.startsWith("AES/GCM") || name.startsWith("ChaCha20"))) {
                        return Cipher.getInstance(name, jdk);
                    }
                    return super.createCipher(name);
                }
            };
            return new JcaTlsCrypto(helper, keyRandom, nonceRandom) {};
        }
    }

    private Providers() {}

    private static Logger quiet(Logger logger) {
        logger.setLevel(Level.SEVERE);
        return logger;
    }
}
