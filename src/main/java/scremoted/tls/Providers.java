package scremoted.tls;

import java.security.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;

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

    /** TLS; its own crypto comes from {@link #BC}, not from whatever the JDK has registered. */
    static final Provider JSSE = new BouncyCastleJsseProvider(BC);

    private Providers() {}

    private static Logger quiet(Logger logger) {
        logger.setLevel(Level.SEVERE);
        return logger;
    }
}
