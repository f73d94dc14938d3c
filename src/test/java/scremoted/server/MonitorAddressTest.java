package scremoted.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class MonitorAddressTest {
    private static String of(String ip, int port) throws Exception {
        return MonitorAddress.of(new InetSocketAddress(InetAddress.getByName(ip), port));
    }

    @Test
    void ipv4() throws Exception {
        assertEquals("198.51.100.55:1025", of("198.51.100.55", 1025));
        assertEquals("127.0.0.1:46962", of("127.0.0.1", 46962));
    }

    @Test
    void ipv6AsInetNtopWritesIt() throws Exception {
        assertEquals("2001:db8:1234::1.1026", of("2001:db8:1234:0:0:0:0:1", 1026));
        assertEquals("::1.51964", of("::1", 51964));
        assertEquals("::.1", of("::", 1));
        assertEquals("fe80::1:2.7", of("fe80:0:0:0:0:0:1:2", 7));
        assertEquals("2001:db8::1:0:0:1.9", of("2001:db8:0:0:1:0:0:1", 9), "the first of two equal runs");
        assertEquals("2001:db8:0:1:1:1:1:1.9", of("2001:db8:0:1:1:1:1:1", 9), "a single zero word stays");
        assertEquals("1::.9", of("1:0:0:0:0:0:0:0", 9));
        assertEquals("2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff.80", of("2001:DB8:AAAA:BBBB:CCCC:DDDD:EEEE:FFFF", 80));
        assertEquals("::1.2.3.4.5", of("::1.2.3.4", 5), "v4-compatible keeps the dotted tail");
    }

    @Test
    void scopeIsDropped() throws Exception {
        InetAddress scoped = InetAddress.getByName("fe80::1%1");
        assertEquals("fe80::1.22", MonitorAddress.of(new InetSocketAddress(scoped, 22)));
    }
}
