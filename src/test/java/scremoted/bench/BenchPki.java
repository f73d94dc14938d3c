package scremoted.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import scremoted.testing.JdkStores;
import scremoted.tls.TestPki;

/**
 * A throw-away PKI for the TLS scenarios (scremoted.tls.TestPki): the server's certificate and
 * unencrypted key as -c/-p files, and the monitors' client side (the JDK's TLS, trusting the CA,
 * checking the server name 127.0.0.1 as scamper checks the name it dialled).
 */
record BenchPki(Path certificate, Path key, SSLSocketFactory clientFactory) {
    static BenchPki create(Path dir) throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        TestPki pki = TestPki.create("sc_remoted bench CA");
        TestPki.Identity server = pki.server();
        Path cert = TestPki.writeCertificates(dir.resolve("bench-server.pem"), server.certificate());
        Path key = TestPki.writeKey(dir.resolve("bench-server.key"), server.privateKey(), TestPki.KeyForm.PKCS8);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, JdkStores.trusting(pki.ca().certificate()), new SecureRandom());
        return new BenchPki(cert, key, context.getSocketFactory());
    }

    /** The server options that turn TLS on. */
    List<String> serverArgs() {
        return List.of("-c", certificate.toString(), "-p", key.toString());
    }
}
