package scremoted.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI for tests, made fresh in memory: a CA, certificates it issues (server, monitors,
 * expired, CN-only, several names, intermediates) and PEM files of them in every key form sc_remoted
 * reads. Nothing secret is ever committed.
 */
public final class TestPki {
    /** The passphrase every encrypted key file gets unless a test says otherwise. */
    public static final char[] PASSPHRASE = "correct horse battery".toCharArray();

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    /** A certificate and the key pair it certifies. */
    public record Identity(X509Certificate certificate, KeyPair keys) {
        public PrivateKey privateKey() {
            return keys.getPrivate();
        }
    }

    /** How a private key is written to PEM. */
    public enum KeyForm {
        /** "BEGIN PRIVATE KEY" */
        PKCS8(false),
        /** "BEGIN ENCRYPTED PRIVATE KEY" (PBES2, AES-256-CBC, HMAC-SHA256) */
        PKCS8_ENCRYPTED(true),
        /** "BEGIN RSA PRIVATE KEY" or "BEGIN EC PRIVATE KEY" */
        TRADITIONAL(false),
        /** as TRADITIONAL, with "Proc-Type: 4,ENCRYPTED" and AES-256-CBC */
        TRADITIONAL_ENCRYPTED(true),
        /** as TRADITIONAL, with "Proc-Type: 4,ENCRYPTED" and DES-EDE3-CBC, as old OpenSSL wrote */
        TRADITIONAL_ENCRYPTED_3DES(true);

        private final boolean encrypted;

        KeyForm(boolean encrypted) {
            this.encrypted = encrypted;
        }

        public boolean encrypted() {
            return encrypted;
        }
    }

    private final Identity ca;

    private TestPki(Identity ca) {
        this.ca = ca;
    }

    /** A new self-signed root CA with an EC P-256 key. */
    public static TestPki create(String caName) {
        KeyPair keys = ecKeys();
        return new TestPki(new CertificateRequest(caName, keys).ca().sign(null));
    }

    public Identity ca() {
        return ca;
    }

    /** The usual server: CN and DNS SAN localhost, IP SAN 127.0.0.1, EC key. */
    public Identity server() {
        return server(ecKeys(), ca);
    }

    /** As {@link #server()}, for the given keys. */
    public Identity server(KeyPair keys) {
        return server(keys, ca);
    }

    /** A server certificate for the given keys, issued by {@code issuer} (this CA or an intermediate). */
    public Identity server(KeyPair keys, Identity issuer) {
        return new CertificateRequest("localhost", keys)
                .dnsNames("localhost")
                .ipAddress("127.0.0.1")
                .purpose(KeyPurposeId.id_kp_serverAuth)
                .sign(issuer);
    }

    /** An intermediate CA under this CA. */
    public Identity intermediate(String name) {
        return new CertificateRequest(name, ecKeys()).ca().sign(ca);
    }

    /** A monitor's client certificate: CN and DNS SAN the monitor name. */
    public Identity client(String monitorName) {
        return clientWithNames(monitorName, monitorName);
    }

    /** A client certificate with the given CN and DNS SANs (none: CN only). */
    public Identity clientWithNames(String commonName, String... dnsNames) {
        return new CertificateRequest(commonName, ecKeys())
                .dnsNames(dnsNames)
                .purpose(KeyPurposeId.id_kp_clientAuth)
                .sign(ca);
    }

    /** A monitor's client certificate that expired yesterday. */
    public Identity expiredClient(String monitorName) {
        return new CertificateRequest(monitorName, ecKeys())
                .dnsNames(monitorName)
                .purpose(KeyPurposeId.id_kp_clientAuth)
                .validFrom(Instant.now().minus(Duration.ofDays(30)), Duration.ofDays(29))
                .sign(ca);
    }

    public static KeyPair ecKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair rsaKeys() {
        return keys("RSA", 2048);
    }

    public static KeyPair ed25519Keys() {
        return keys("Ed25519", 0);
    }

    private static KeyPair keys(String algorithm, int size) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (size > 0) {
                generator.initialize(size, RANDOM);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code key} is the private half of {@code keys}: it signs what the public half verifies. */
    public static boolean samePrivateKey(KeyPair keys, PrivateKey key) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            default -> "EdDSA";
        };
        try {
            byte[] message = {1, 2, 3};
            Signature signer = Signature.getInstance(algorithm, Providers.BC);
            signer.initSign(key);
            signer.update(message);
            Signature verifier = Signature.getInstance(algorithm, Providers.BC);
            verifier.initVerify(keys.getPublic());
            verifier.update(message);
            return verifier.verify(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the certificates to one PEM file, in the order given. */
    public static Path writeCertificates(Path file, X509Certificate... certificates) {
        return write(file, pem(writer -> {
            for (X509Certificate certificate : certificates) {
                writer.writeObject(certificate);
            }
        }));
    }

    /** Writes the key in the given form; encrypted forms use {@code passphrase}. */
    public static Path writeKey(Path file, PrivateKey key, KeyForm form, char[] passphrase) {
        return write(file, pem(writer -> {
            try {
                switch (form) {
                    case PKCS8 -> writer.writeObject(new JcaPKCS8Generator(key, null));
                    case PKCS8_ENCRYPTED -> writer.writeObject(new JcaPKCS8Generator(key,
                            new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                                    .setProvider(Providers.BC)
                                    .setPRF(PKCS8Generator.PRF_HMACSHA256)
                                    .setIterationCount(2048)
                                    .setRandom(RANDOM)
                                    .setPassword(passphrase)
                                    .build()));
                    case TRADITIONAL -> writer.writeObject(traditional(key));
                    case TRADITIONAL_ENCRYPTED ->
                            writer.writeObject(traditional(key), pemEncryptor("AES-256-CBC", passphrase));
                    case TRADITIONAL_ENCRYPTED_3DES ->
                            writer.writeObject(traditional(key), pemEncryptor("DES-EDE3-CBC", passphrase));
                }
            } catch (org.bouncycastle.operator.OperatorCreationException e) {
                throw new IllegalStateException(e);
            }
        }));
    }

    /** Writes the key in the given form with {@link #PASSPHRASE}. */
    public static Path writeKey(Path file, PrivateKey key, KeyForm form) {
        return writeKey(file, key, form, PASSPHRASE);
    }

    /**
     * The JDK encodes an EC key's curve only outside the inner ECPrivateKey, which is all an "EC
     * PRIVATE KEY" block holds; BC's encoding carries curve and public point inside, as OpenSSL's.
     */
    private static PrivateKey traditional(PrivateKey key) {
        if (!key.getAlgorithm().equals("EC")) {
            return key;
        }
        try {
            return KeyFactory.getInstance("EC", Providers.BC).generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static org.bouncycastle.openssl.PEMEncryptor pemEncryptor(String algorithm, char[] passphrase) {
        return new JcePEMEncryptorBuilder(algorithm)
                .setProvider(Providers.BC)
                .setSecureRandom(RANDOM)
                .build(passphrase);
    }

    private interface PemWriting {
        void write(JcaPEMWriter writer) throws IOException;
    }

    private static String pem(PemWriting body) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            body.write(writer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One certificate to be issued: subject, names, purpose, validity. */
    private static final class CertificateRequest {
        private final String commonName;
        private final KeyPair keys;
        private final List<GeneralName> alternativeNames = new ArrayList<>();
        private KeyPurposeId purpose;
        private boolean ca;
        private Instant notBefore = Instant.now().minus(Duration.ofHours(1));
        private Duration lifetime = Duration.ofDays(2);

        CertificateRequest(String commonName, KeyPair keys) {
            this.commonName = commonName;
            this.keys = keys;
        }

        CertificateRequest dnsNames(String... names) {
            for (String name : names) {
                alternativeNames.add(new GeneralName(GeneralName.dNSName, name));
            }
            return this;
        }

        CertificateRequest ipAddress(String address) {
            alternativeNames.add(new GeneralName(GeneralName.iPAddress, address));
            return this;
        }

        CertificateRequest purpose(KeyPurposeId purpose) {
            this.purpose = purpose;
            return this;
        }

        CertificateRequest ca() {
            this.ca = true;
            return this;
        }

        CertificateRequest validFrom(Instant notBefore, Duration lifetime) {
            this.notBefore = notBefore;
            this.lifetime = lifetime;
            return this;
        }

        /** Signs with the issuer's key; {@code issuer} null means self-signed. */
        Identity sign(Identity issuer) {
            KeyPair signerKeys = issuer == null ? keys : issuer.keys();
            try {
                X500Name subject = new X500Name("CN=" + commonName + ",O=sc_remoted tests");
                X500Name issuerName = issuer == null
                        ? subject
                        : X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
                JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
                X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                        issuerName,
                        BigInteger.valueOf(SERIALS.incrementAndGet()),
                        Date.from(notBefore),
                        Date.from(notBefore.plus(lifetime)),
                        subject,
                        keys.getPublic());
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
                builder.addExtension(Extension.subjectKeyIdentifier, false,
                        extensions.createSubjectKeyIdentifier(keys.getPublic()));
                builder.addExtension(Extension.authorityKeyIdentifier, false,
                        extensions.createAuthorityKeyIdentifier(signerKeys.getPublic()));
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(ca
                        ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                        : KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                if (purpose != null) {
                    builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
                }
                if (!alternativeNames.isEmpty()) {
                    builder.addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(alternativeNames.toArray(GeneralName[]::new)));
                }
                var signer = new JcaContentSignerBuilder(signatureAlgorithm(signerKeys)).build(signerKeys.getPrivate());
                X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
                return new Identity(certificate, keys);
            } catch (GeneralSecurityException | IOException | org.bouncycastle.operator.OperatorCreationException e) {
                throw new IllegalStateException(e);
            }
        }

        private static String signatureAlgorithm(KeyPair keys) {
            return switch (keys.getPrivate().getAlgorithm()) {
                case "RSA" -> "SHA256withRSA";
                case "EC" -> "SHA256withECDSA";
                default -> keys.getPrivate().getAlgorithm();
            };
        }
    }
}
