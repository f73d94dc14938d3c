package scremoted.tls;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Whether a private key belongs to a certificate. A PKCS#8 key need not carry its public half, so
 * rather than compare public keys this signs a message with the private key and verifies it with
 * the certificate's public key, which works the same for every key type.
 */
final class KeyMatch {
    private static final byte[] MESSAGE = "sc_remoted key check".getBytes(StandardCharsets.US_ASCII);

    private KeyMatch() {}

    static void require(X509Certificate certificate, Path certFile, PrivateKey key, Path keyFile)
            throws TlsConfigException {
        String algorithm = signatureAlgorithm(key.getAlgorithm());
        if (algorithm == null) {
            throw new TlsConfigException(keyFile + ": unsupported key type " + key.getAlgorithm());
        }
        if (!signatureVerifies(algorithm, key, publicKey(certificate, certFile))) {
            throw new TlsConfigException(certFile + " and " + keyFile + " do not match");
        }
    }

    private static String signatureAlgorithm(String keyAlgorithm) {
        return switch (keyAlgorithm) {
            case "RSA" -> "SHA256withRSA";
            case "RSASSA-PSS" -> "SHA256withRSAandMGF1";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            case "Ed25519", "Ed448", "EdDSA" -> "EdDSA";
            default -> null;
        };
    }

    /** The certificate's key as a BC key, so that BC's signature engine gets a key type it knows. */
    private static PublicKey publicKey(X509Certificate certificate, Path certFile) throws TlsConfigException {
        try {
            return new JcaPEMKeyConverter()
                    .setProvider(Providers.BC)
                    .getPublicKey(SubjectPublicKeyInfo.getInstance(certificate.getPublicKey().getEncoded()));
        } catch (PEMException | RuntimeException e) {
            throw new TlsConfigException(certFile + ": unusable public key: " + e.getMessage(), e);
        }
    }

    private static boolean signatureVerifies(String algorithm, PrivateKey key, PublicKey publicKey) {
        try {
            Signature signer = Signature.getInstance(algorithm, Providers.BC);
            signer.initSign(key);
            signer.update(MESSAGE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm, Providers.BC);
            verifier.initVerify(publicKey);
            verifier.update(MESSAGE);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            // Keys of different types (an RSA key against an EC certificate) end up here.
            return false;
        }
    }
}
