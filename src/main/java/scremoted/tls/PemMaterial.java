package scremoted.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.EncryptionException;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.InputDecryptor;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEInputDecryptorProviderBuilder;

/**
 * Certificates and private keys from PEM files. Keys may be PKCS#8 ("PRIVATE KEY", "ENCRYPTED
 * PRIVATE KEY") or OpenSSL's traditional forms ("RSA PRIVATE KEY", "EC PRIVATE KEY"), the latter
 * plain or encrypted with a Proc-Type/DEK-Info header. Other PEM blocks in a file (an "EC
 * PARAMETERS" block before the key, certificates next to it) are skipped.
 */
public final class PemMaterial {
    private PemMaterial() {}

    /** Every certificate in the file, in file order (for a chain: server certificate first). */
    public static List<X509Certificate> certificates(Path pemFile) throws TlsConfigException {
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        List<X509Certificate> certificates = new ArrayList<>();
        for (Object object : pemObjects(pemFile)) {
            if (object instanceof X509CertificateHolder holder) {
                try {
                    certificates.add(converter.getCertificate(holder));
                } catch (CertificateException e) {
                    throw new TlsConfigException(pemFile + ": unusable certificate: " + e.getMessage(), e);
                }
            }
        }
        if (certificates.isEmpty()) {
            throw new TlsConfigException(pemFile + ": no certificate found");
        }
        return List.copyOf(certificates);
    }

    /**
     * The file's private key.
     *
     * @param passphrase needed only when the key is encrypted; may be null otherwise
     */
    public static PrivateKey privateKey(Path pemFile, char[] passphrase) throws TlsConfigException {
        PrivateKeyInfo info = keyInfo(pemFile, keyObject(pemFile), passphrase);
        try {
            return new JcaPEMKeyConverter().setProvider(Providers.BC).getPrivateKey(info);
        } catch (PEMException | RuntimeException e) {
            throw new TlsConfigException(pemFile + ": unusable private key: " + e.getMessage(), e);
        }
    }

    /** Whether the file's private key needs a passphrase. */
    public static boolean isEncrypted(Path keyFile) throws TlsConfigException {
        Object key = keyObject(keyFile);
        return key instanceof PKCS8EncryptedPrivateKeyInfo || key instanceof PEMEncryptedKeyPair;
    }

    /** The first key in the file, in one of the four forms {@link #keyInfo} takes. */
    private static Object keyObject(Path pemFile) throws TlsConfigException {
        for (Object object : pemObjects(pemFile)) {
            if (object instanceof PrivateKeyInfo
                    || object instanceof PEMKeyPair
                    || object instanceof PKCS8EncryptedPrivateKeyInfo
                    || object instanceof PEMEncryptedKeyPair) {
                return object;
            }
        }
        throw new TlsConfigException(pemFile + ": no private key found");
    }

    private static PrivateKeyInfo keyInfo(Path pemFile, Object key, char[] passphrase) throws TlsConfigException {
        if (key instanceof PEMKeyPair pair) {
            return pair.getPrivateKeyInfo();
        }
        if (key instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
            return decrypt(pemFile, encrypted, required(pemFile, passphrase));
        }
        if (key instanceof PEMEncryptedKeyPair encrypted) {
            return decrypt(pemFile, encrypted, required(pemFile, passphrase)).getPrivateKeyInfo();
        }
        return (PrivateKeyInfo) key;
    }

    private static char[] required(Path pemFile, char[] passphrase) throws TlsConfigException {
        if (passphrase == null) {
            throw new TlsConfigException(pemFile + ": the key is encrypted and no passphrase was given");
        }
        return passphrase;
    }

    /**
     * Split in two steps, as {@link PKCS8EncryptedPrivateKeyInfo#decryptPrivateKeyInfo} is not, so that
     * an unknown algorithm (first step) is told apart from a wrong passphrase (second step).
     */
    private static PrivateKeyInfo decrypt(Path pemFile, PKCS8EncryptedPrivateKeyInfo key, char[] passphrase)
            throws TlsConfigException {
        InputDecryptor decryptor;
        try {
            decryptor = new JcePKCSPBEInputDecryptorProviderBuilder()
                    .setProvider(Providers.BC)
                    .build(passphrase)
                    .get(key.getEncryptionAlgorithm());
        } catch (OperatorCreationException | RuntimeException e) {
            throw new TlsConfigException(pemFile + ": the key is encrypted with a cipher this build cannot read: " + e.getMessage(), e);
        }
        try (InputStream plain = decryptor.getInputStream(new ByteArrayInputStream(key.getEncryptedData()))) {
            return PrivateKeyInfo.getInstance(plain.readAllBytes());
        } catch (IOException | RuntimeException e) {
            throw wrongPassphrase(pemFile, e);
        }
    }

    private static PEMKeyPair decrypt(Path pemFile, PEMEncryptedKeyPair key, char[] passphrase)
            throws TlsConfigException {
        try {
            return key.decryptKeyPair(new JcePEMDecryptorProviderBuilder().setProvider(Providers.BC).build(passphrase));
        } catch (IOException | RuntimeException e) {
            // For a DEK-Info cipher it does not know, BC throws an EncryptionException without a
            // cause; a failed decryption always carries the cipher's exception as its cause.
            if (e instanceof EncryptionException && e.getCause() == null) {
                throw new TlsConfigException(pemFile + ": the key is encrypted with a cipher this build cannot read: "
                        + key.getDekAlgName(), e);
            }
            throw wrongPassphrase(pemFile, e);
        }
    }

    /**
     * A wrong passphrase shows up as bad padding or, when the padding happens to look right, as
     * garbage that fails to parse: any exception at all.
     */
    private static TlsConfigException wrongPassphrase(Path pemFile, Exception e) {
        return new TlsConfigException(pemFile + ": wrong passphrase", e);
    }

    private static List<Object> pemObjects(Path pemFile) throws TlsConfigException {
        String text;
        try {
            // ISO-8859-1 decodes any byte, so a binary file fails as "not PEM", not as a charset error.
            text = Files.readString(pemFile, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw FileProblems.unreadable(pemFile.toString(), e);
        }
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            List<Object> objects = new ArrayList<>();
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                objects.add(object);
            }
            return objects;
        } catch (IOException | RuntimeException e) {
            // BouncyCastle reports malformed base64 or ASN.1 with assorted runtime exceptions too.
            throw new TlsConfigException(pemFile + ": not a valid PEM file: " + e.getMessage(), e);
        }
    }
}
