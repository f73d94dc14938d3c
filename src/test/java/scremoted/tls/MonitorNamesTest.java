package scremoted.tls;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MonitorNamesTest {
    private static TestPki pki;

    @BeforeAll
    static void pki() {
        pki = TestPki.create("Test CA");
    }

    @Test
    void aDnsNameMatchesCaseInsensitively() {
        X509Certificate cert = pki.client("Monitor1.example.net").certificate();
        assertTrue(MonitorNames.certificateMatches(cert, "monitor1.example.net"));
        assertTrue(MonitorNames.certificateMatches(cert, "MONITOR1.EXAMPLE.NET"));
        assertFalse(MonitorNames.certificateMatches(cert, "monitor2.example.net"));
        assertFalse(MonitorNames.certificateMatches(cert, "monitor1"));
        assertFalse(MonitorNames.certificateMatches(cert, "monitor1.example.net."));
    }

    @Test
    void withoutDnsNamesTheCommonNameCounts() {
        X509Certificate cert = pki.clientWithNames("cn-only-monitor").certificate();
        assertTrue(MonitorNames.certificateMatches(cert, "CN-Only-Monitor"));
        assertFalse(MonitorNames.certificateMatches(cert, "other"));
    }

    @Test
    void withDnsNamesTheCommonNameDoesNotCount() {
        X509Certificate cert = pki.clientWithNames("the-cn", "a.example.net").certificate();
        assertTrue(MonitorNames.certificateMatches(cert, "a.example.net"));
        assertFalse(MonitorNames.certificateMatches(cert, "the-cn"));
    }

    @Test
    void anyOfSeveralDnsNamesMatches() {
        X509Certificate cert = pki.clientWithNames("multi", "a.example.net", "b.example.net", "c.example.org")
                .certificate();
        assertTrue(MonitorNames.certificateMatches(cert, "a.example.net"));
        assertTrue(MonitorNames.certificateMatches(cert, "B.example.NET"));
        assertTrue(MonitorNames.certificateMatches(cert, "c.example.org"));
        assertFalse(MonitorNames.certificateMatches(cert, "d.example.net"));
    }

    @Test
    void wildcardsAreLiteral() {
        X509Certificate cert = pki.clientWithNames("wild", "*.example.net").certificate();
        assertFalse(MonitorNames.certificateMatches(cert, "monitor1.example.net"));
    }

    @Test
    void anIpAddressNameIsNotADnsName() {
        X509Certificate server = pki.server().certificate();
        assertTrue(MonitorNames.certificateMatches(server, "localhost"));
        assertFalse(MonitorNames.certificateMatches(server, "127.0.0.1"));
    }

    @Test
    void noNameMatchesNothing() {
        X509Certificate cert = pki.client("monitor1").certificate();
        assertFalse(MonitorNames.certificateMatches(cert, null));
        assertFalse(MonitorNames.certificateMatches(cert, ""));
    }
}
