package scremoted.server;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import scremoted.cli.Options;
import scremoted.log.Log;

/** The TCP listeners of -P, -4 and -6. */
final class Listeners {
    private static final int BACKLOG = 1024;

    private Listeners() {}

    /**
     * Without an address: the IPv4 wildcard and the IPv6 wildcard (IPv6-only), as -4/-6 allow.
     * With port 0 (tests) the second listener takes the port the first one got.
     */
    static List<ServerSocketChannel> bind(Options options) throws IOException {
        List<ServerSocketChannel> bound = new ArrayList<>();
        try {
            if (options.bindAddress() != null) {
                bound.add(open(options.bindAddress(), options.port()));
                return bound;
            }
            int port = options.port();
            if (options.family() != Options.Family.IPV6) {
                ServerSocketChannel v4 = open(InetAddress.getByName("0.0.0.0"), port);
                bound.add(v4);
                port = ((InetSocketAddress) v4.getLocalAddress()).getPort();
            }
            if (options.family() != Options.Family.IPV4) {
                if (ipv6Available()) {
                    bound.add(open(InetAddress.getByName("::"), port));
                } else if (options.family() == Options.Family.IPV6) {
                    throw new IOException("-6: this host has no IPv6");
                } else {
                    Log.error("listen", "this host has no IPv6; listening on IPv4 only");
                }
            }
            return bound;
        } catch (IOException | RuntimeException e) {
            for (ServerSocketChannel c : bound) {
                c.close();
            }
            throw e;
        }
    }

    private static ServerSocketChannel open(InetAddress address, int port) throws IOException {
        boolean v6 = address instanceof Inet6Address;
        ServerSocketChannel channel = ServerSocketChannel.open(v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (v6) {
                V6Only.set(channel);
            }
            channel.bind(new InetSocketAddress(address, port), BACKLOG);
            String bound = describe(channel);
            Log.debug("listen", () -> "listening on " + bound);
            return channel;
        } catch (IOException e) {
            channel.close();
            throw new java.net.BindException("cannot listen on " + (v6 ? "[" + address.getHostAddress() + "]" : address.getHostAddress())
                    + ":" + port + ": " + e.getMessage());
        }
    }

    private static boolean ipv6Available() {
        try (ServerSocketChannel probe = ServerSocketChannel.open(StandardProtocolFamily.INET6)) {
            return true;
        } catch (IOException | RuntimeException e) {
            return false; // the JDK throws when the address family is missing
        }
    }

    static String describe(ServerSocketChannel channel) throws IOException {
        InetSocketAddress a = (InetSocketAddress) channel.getLocalAddress();
        return a.getAddress() instanceof Inet4Address ? a.getAddress().getHostAddress() + ":" + a.getPort()
                : "[" + MonitorAddress.ipv6(a.getAddress().getAddress()) + "]:" + a.getPort();
    }
}
