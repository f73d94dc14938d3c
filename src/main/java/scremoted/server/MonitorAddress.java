package scremoted.server;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;

/**
 * The monitor's address string: {@code a.b.c.d:port} for IPv4, the compressed IPv6 address then
 * {@code .port} for IPv6 ({@code 2001:db8:1234::1.1026}). It is both the MASTER_ID scamper names
 * its lists after and the tail of the monitor's socket file name, so it must match what the C
 * server prints (glibc's inet_ntop) character for character.
 */
public final class MonitorAddress {
    private MonitorAddress() {}

    public static String of(InetSocketAddress remote) {
        if (remote.getAddress() instanceof Inet6Address v6) {
            return ipv6(v6.getAddress()) + "." + remote.getPort();
        }
        if (remote.getAddress() instanceof Inet4Address v4) {
            return v4.getHostAddress() + ":" + remote.getPort();
        }
        throw new IllegalArgumentException("not an IP address: " + remote);
    }

    /** RFC 5952 text as inet_ntop writes it, including its dotted tail for v4-compatible/-mapped forms. */
    static String ipv6(byte[] a) {
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = (a[2 * i] & 0xff) << 8 | (a[2 * i + 1] & 0xff);
        }
        int bestBase = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (words[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && words[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestBase = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2) {
            bestBase = -1;
        }
        StringBuilder s = new StringBuilder(40);
        for (int i = 0; i < 8; i++) {
            if (bestBase != -1 && i >= bestBase && i < bestBase + bestLen) {
                if (i == bestBase) {
                    s.append(':');
                }
                continue;
            }
            if (i != 0) {
                s.append(':');
            }
            boolean dottedTail = i == 6 && bestBase == 0
                    && (bestLen == 6 || bestLen == 5 && words[5] == 0xffff);
            if (dottedTail) {
                s.append(a[12] & 0xff).append('.').append(a[13] & 0xff).append('.')
                        .append(a[14] & 0xff).append('.').append(a[15] & 0xff);
                return s.toString();
            }
            s.append(Integer.toHexString(words[i]));
        }
        if (bestBase != -1 && bestBase + bestLen == 8) {
            s.append(':');
        }
        return s.toString();
    }
}
