package scremoted.tlsint;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import scremoted.wire.Control;
import scremoted.wire.Frame;
import scremoted.wire.FrameReader;
import scremoted.wire.Messages;

/**
 * {@code openssl s_client} (real OpenSSL, what scamper links against) as a monitor: protocol bytes go in on
 * its stdin, which stays open until {@link #closeInput()}, and what the server sends comes out on its stdout.
 */
final class SClient implements AutoCloseable {
    private final Process process;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final Thread outReader;
    private final Thread errReader;

    private SClient(Process process) {
        this.process = process;
        outReader = drain(process.getInputStream(), stdout);
        errReader = drain(process.getErrorStream(), stderr);
    }

    static boolean available() {
        try {
            Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** s_client to 127.0.0.1:port in {@code dir}, verifying the server against ca.pem there, plus {@code more}. */
    static SClient start(Path dir, int port, String... more) throws IOException {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-CAfile", "ca.pem", "-brief", "-verify_return_error", "-verify_ip", "127.0.0.1", "-nocommands"));
        command.addAll(List.of(more));
        return new SClient(new ProcessBuilder(command).directory(dir.toFile()).start());
    }

    /** As {@link #start} with stdin from /dev/null: connect, handshake, and close at once. */
    static SClient runToEnd(Path dir, int port, String... more) throws IOException {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-CAfile", "ca.pem", "-brief", "-verify_return_error", "-verify_ip", "127.0.0.1", "-nocommands"));
        command.addAll(List.of(more));
        return new SClient(new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start());
    }

    void send(byte[] bytes) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write(bytes);
        in.flush();
    }

    void closeInput() throws IOException {
        process.getOutputStream().close();
    }

    /** Whether s_client ended by itself within the timeout (e.g. because the server closed). */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        boolean done = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (done) {
            outReader.join(5000);
            errReader.join(5000);
        }
        return done;
    }

    int exitCode() {
        return process.exitValue();
    }

    boolean alive() {
        return process.isAlive();
    }

    byte[] stdout() {
        synchronized (stdout) {
            return stdout.toByteArray();
        }
    }

    String output() {
        String err;
        synchronized (stderr) {
            err = stderr.toString(StandardCharsets.UTF_8);
        }
        return err + new String(stdout(), StandardCharsets.ISO_8859_1);
    }

    /** The first whole protocol frame received on stdout, decoded, if there is one. */
    Optional<Control> firstMessage() {
        try {
            Frame f = new FrameReader(new ByteArrayInputStream(stdout())).read();
            if (f == null || !f.isControl()) {
                return Optional.empty();
            }
            return Optional.of(Messages.decode(f));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread drain(InputStream in, ByteArrayOutputStream into) {
        return Thread.ofPlatform().daemon().start(() -> {
            byte[] b = new byte[4096];
            try {
                int n;
                while ((n = in.read(b)) >= 0) {
                    synchronized (into) {
                        into.write(b, 0, n);
                    }
                }
            } catch (IOException e) {
                // process gone
            }
        });
    }
}
