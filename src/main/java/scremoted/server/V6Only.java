package scremoted.server;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.In;

/**
 * IPV6_V6ONLY on a listening channel, which the JDK has no option for (it makes every IPv6 socket
 * dual-stack). Without it the IPv6 wildcard listener would take the IPv4 port too. The channel's
 * descriptor comes from a JDK-internal interface (exported to us by the jar manifest's
 * Add-Exports), the setsockopt call from libc through jnr-ffi.
 */
final class V6Only {
    private static final int IPPROTO_IPV6 = 41;
    private static final int IPV6_V6ONLY = 26;

    public interface LibC {
        int setsockopt(int fd, int level, int option, @In int[] value, int length);
    }

    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");

    private V6Only() {}

    static void set(ServerSocketChannel channel) throws IOException {
        int fd;
        try {
            fd = (int) Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal").invoke(channel);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot reach the listening socket's descriptor to make it IPv6-only"
                    + " (is --add-exports java.base/sun.nio.ch=ALL-UNNAMED missing?): " + e, e);
        }
        if (LIBC.setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, new int[] {1}, 4) != 0) {
            throw new IOException("setsockopt(IPV6_V6ONLY) failed");
        }
    }
}
