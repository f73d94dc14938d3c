package scremoted.tls;

import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * Which monitor names a client certificate vouches for: its DNS subjectAltNames, or, only when it
 * has none, its subject common name(s), compared case-insensitively. This is the rule scamper
 * applies to the server's certificate, turned around.
 *
 * <p>There is no wildcard matching: a monitor name identifies one monitor, and a "*.example.net"
 * certificate would let one key speak for every monitor under that domain.
 */
public final class MonitorNames {
    private static final int DNS_NAME = 2;

    private MonitorNames() {}

    public static boolean certificateMatches(X509Certificate certificate, String monitorName) {
        if (monitorName == null || monitorName.isEmpty()) {
            return false;
        }
        List<String> dnsNames;
        try {
            dnsNames = dnsNames(certificate);
        } catch (CertificateParsingException e) {
            return false;
        }
        List<String> names = dnsNames.isEmpty() ? commonNames(certificate) : dnsNames;
        return names.stream().anyMatch(monitorName::equalsIgnoreCase);
    }

    /**
     * The certificate the peer presented, once the handshake is done; empty when it presented
     * none. Call only after the handshake: on an unshaken socket this would start one.
     */
    public static Optional<X509Certificate> peerCertificate(SSLSocket socket) {
        try {
            Certificate[] chain = socket.getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x509
                    ? Optional.of(x509)
                    : Optional.empty();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
    }

    private static List<String> dnsNames(X509Certificate certificate) throws CertificateParsingException {
        Collection<List<?>> alternativeNames = certificate.getSubjectAlternativeNames();
        List<String> names = new ArrayList<>();
        if (alternativeNames != null) {
            for (List<?> name : alternativeNames) {
                if (name.get(0) instanceof Integer type && type == DNS_NAME && name.get(1) instanceof String dns) {
                    names.add(dns);
                }
            }
        }
        return names;
    }

    private static List<String> commonNames(X509Certificate certificate) {
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        List<String> names = new ArrayList<>();
        for (RDN rdn : subject.getRDNs(BCStyle.CN)) {
            for (AttributeTypeAndValue attribute : rdn.getTypesAndValues()) {
                if (attribute.getType().equals(BCStyle.CN) && attribute.getValue() instanceof ASN1String value) {
                    names.add(value.getString());
                }
            }
        }
        return names;
    }
}
