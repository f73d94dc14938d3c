package scremoted.cli;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Set;

/**
 * The validated command line, immutable.
 *
 * @param family which address families to listen on
 * @param bindAddress the address of -P, or null for the wildcard address(es)
 * @param port the TCP port of -P (0 only from tests: an ephemeral port)
 * @param unixDir the directory of -U
 * @param flags the -O options
 * @param tlsCa -C, or null
 * @param tlsCertificate -c, or null
 * @param tlsPrivateKey -p, or null
 * @param pidFile -e, or null
 * @param zombieSeconds -Z
 * @param daemon -D
 */
public record Options(
        Family family,
        InetAddress bindAddress,
        int port,
        Path unixDir,
        Set<Flag> flags,
        Path tlsCa,
        Path tlsCertificate,
        Path tlsPrivateKey,
        Path pidFile,
        int zombieSeconds,
        boolean daemon) {

    public static final int DEFAULT_ZOMBIE_SECONDS = 900;
    public static final int MAX_ZOMBIE_SECONDS = 10800;

    public enum Family { ANY, IPV4, IPV6 }

    /** The values of -O. */
    public enum Flag {
        ALLOWGROUP, ALLOWOTHER, DEBUG, NOTIMES, SELECT, SKIPNAMEVERIFICATION;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Options {
        flags = Set.copyOf(flags);
    }

    public boolean has(Flag flag) {
        return flags.contains(flag);
    }

    public boolean tls() {
        return tlsCertificate != null;
    }

    public Options withPort(int newPort) {
        return new Options(family, bindAddress, newPort, unixDir, flags, tlsCa, tlsCertificate, tlsPrivateKey,
                pidFile, zombieSeconds, daemon);
    }

    public Options withZombieSeconds(int seconds) {
        return new Options(family, bindAddress, port, unixDir, flags, tlsCa, tlsCertificate, tlsPrivateKey,
                pidFile, seconds, daemon);
    }
}
