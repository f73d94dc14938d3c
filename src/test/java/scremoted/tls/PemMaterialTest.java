package scremoted.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import scremoted.tls.TestPki.KeyForm;

class PemMaterialTest {
    private static KeyPair rsa;
    private static KeyPair ec;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() {
        rsa = TestPki.rsaKeys();
        ec = TestPki.ecKeys();
    }

    static Stream<Arguments> everyKeyForm() {
        return Stream.of(KeyForm.values())
                .flatMap(form -> Stream.of(Arguments.of("RSA", form), Arguments.of("EC", form)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyKeyForm")
    void everyKeyFormLoadsWithTheRightPassphrase(String algorithm, KeyForm form) throws Exception {
        KeyPair keys = algorithm.equals("RSA") ? rsa : ec;
        Path file = TestPki.writeKey(dir.resolve("key.pem"), keys.getPrivate(), form);
        assertTrue(Files.readString(file).contains(expectedHeader(algorithm, form)), Files.readString(file));

        assertEquals(form.encrypted(), PemMaterial.isEncrypted(file));
        PrivateKey loaded = PemMaterial.privateKey(file, form.encrypted() ? TestPki.PASSPHRASE : null);
        assertTrue(TestPki.samePrivateKey(keys, loaded));
    }

    private static String expectedHeader(String algorithm, KeyForm form) {
        return switch (form) {
            case PKCS8 -> "BEGIN PRIVATE KEY";
            case PKCS8_ENCRYPTED -> "BEGIN ENCRYPTED PRIVATE KEY";
            case TRADITIONAL -> "BEGIN " + algorithm + " PRIVATE KEY";
            case TRADITIONAL_ENCRYPTED -> "DEK-Info: AES-256-CBC";
            case TRADITIONAL_ENCRYPTED_3DES -> "DEK-Info: DES-EDE3-CBC";
        };
    }

    @ParameterizedTest
    @EnumSource(value = KeyForm.class, names = {"PKCS8_ENCRYPTED", "TRADITIONAL_ENCRYPTED", "TRADITIONAL_ENCRYPTED_3DES"})
    void aWrongPassphraseIsAConfigErrorNamingTheFile(KeyForm form) {
        Path file = TestPki.writeKey(dir.resolve("key.pem"), ec.getPrivate(), form);
        // Many tries: now and then a wrong key decrypts to valid-looking padding and fails later.
        Random random = new Random(42);
        for (int i = 0; i < 64; i++) {
            char[] wrong = ("wrong-" + random.nextLong()).toCharArray();
            TlsConfigException e = assertThrows(TlsConfigException.class, () -> PemMaterial.privateKey(file, wrong));
            assertEquals(file + ": wrong passphrase", e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(value = KeyForm.class, names = {"PKCS8_ENCRYPTED", "TRADITIONAL_ENCRYPTED"})
    void anEncryptedKeyWithoutAPassphraseIsAConfigError(KeyForm form) {
        Path file = TestPki.writeKey(dir.resolve("key.pem"), ec.getPrivate(), form);
        TlsConfigException e = assertThrows(TlsConfigException.class, () -> PemMaterial.privateKey(file, null));
        assertEquals(file + ": the key is encrypted and no passphrase was given", e.getMessage());
    }

    @Test
    void anEd25519KeyLoads() throws Exception {
        KeyPair keys = TestPki.ed25519Keys();
        Path file = TestPki.writeKey(dir.resolve("key.pem"), keys.getPrivate(), KeyForm.PKCS8_ENCRYPTED);
        assertTrue(TestPki.samePrivateKey(keys, PemMaterial.privateKey(file, TestPki.PASSPHRASE)));
    }

    @Test
    void aKeyAfterOtherBlocksIsFound() throws Exception {
        TestPki pki = TestPki.create("Test CA");
        Path certs = TestPki.writeCertificates(dir.resolve("c.pem"), pki.ca().certificate());
        Path key = TestPki.writeKey(dir.resolve("k.pem"), ec.getPrivate(), KeyForm.TRADITIONAL);
        Path both = Files.writeString(dir.resolve("both.pem"), Files.readString(certs) + Files.readString(key));
        assertTrue(TestPki.samePrivateKey(ec, PemMaterial.privateKey(both, null)));
    }

    @Test
    void garbageIsAConfigError() throws Exception {
        Path text = Files.writeString(dir.resolve("garbage.pem"), "this is not a key\n");
        assertEquals(text + ": no private key found",
                assertThrows(TlsConfigException.class, () -> PemMaterial.privateKey(text, null)).getMessage());
        assertEquals(text + ": no certificate found",
                assertThrows(TlsConfigException.class, () -> PemMaterial.certificates(text)).getMessage());

        Path binary = Files.write(dir.resolve("binary.pem"), new byte[] {0, (byte) 0xff, 0x30, (byte) 0x82, 1, 2});
        assertThrows(TlsConfigException.class, () -> PemMaterial.privateKey(binary, null));
        assertThrows(TlsConfigException.class, () -> PemMaterial.certificates(binary));

        Path broken = Files.writeString(dir.resolve("broken.pem"),
                "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----\n");
        TlsConfigException e = assertThrows(TlsConfigException.class, () -> PemMaterial.privateKey(broken, null));
        assertTrue(e.getMessage().startsWith(broken + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));

        Path truncated = Files.writeString(dir.resolve("truncated.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n");
        assertTrue(assertThrows(TlsConfigException.class, () -> PemMaterial.certificates(truncated))
                .getMessage().startsWith(truncated + ": "));
    }

    @Test
    void aMissingFileIsAConfigError() {
        Path missing = dir.resolve("missing.pem");
        assertEquals(missing + ": no such file",
                assertThrows(TlsConfigException.class, () -> PemMaterial.certificates(missing)).getMessage());
        assertEquals(missing + ": no such file",
                assertThrows(TlsConfigException.class, () -> PemMaterial.isEncrypted(missing)).getMessage());
    }

    @Test
    void aChainLoadsInFileOrder() throws Exception {
        TestPki pki = TestPki.create("Test CA");
        TestPki.Identity intermediate = pki.intermediate("Test intermediate");
        TestPki.Identity server = pki.server(TestPki.ecKeys(), intermediate);
        Path file = TestPki.writeCertificates(dir.resolve("chain.pem"), server.certificate(), intermediate.certificate());

        List<X509Certificate> chain = PemMaterial.certificates(file);

        assertEquals(List.of(server.certificate(), intermediate.certificate()), chain);
    }

    @Test
    void aPublicKeyIsNotAPrivateKey() throws Exception {
        Path file = Files.writeString(dir.resolve("pub.pem"), "-----BEGIN PUBLIC KEY-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(ec.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n", StandardCharsets.US_ASCII);
        assertEquals(file + ": no private key found",
                assertThrows(TlsConfigException.class, () -> PemMaterial.privateKey(file, null)).getMessage());
    }
}
