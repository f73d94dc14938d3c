package scremoted.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import scremoted.wire.Control;
import scremoted.wire.Frame;
import scremoted.wire.FrameReader;
import scremoted.wire.Messages;

/** sc_remoted as a separate JVM (scremoted.Main), and a minimal monitor to connect to it. */
final class ServerProcess {
    private ServerProcess() {}

    static List<String> command(String... args) {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "-cp", classpath, "scremoted.Main"));
        command.addAll(List.of(args));
        return command;
    }

    /** Runs to completion; returns exit code and stderr. */
    static Result run(Duration timeout, String... args) throws IOException, InterruptedException {
        return run(timeout, java.util.Map.of(), args);
    }

    static Result run(Duration timeout, java.util.Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command(args));
        builder.environment().putAll(env);
        Process p = builder.start();
        p.getOutputStream().close();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("did not finish within " + timeout + ": " + String.join(" ", args));
        }
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.exitValue(), out, err);
    }

    record Result(int exit, String stdout, String stderr) {}

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static boolean poll(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }

    /** A monitor that completes the hello and then idles; the server's MASTER_ID is returned. */
    static final class Monitor implements AutoCloseable {
        final Socket socket;
        final FrameReader in;
        final String id;

        Monitor(int port, String name) throws IOException {
            socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(Messages.encode(0, new Control.MasterNew(magic(), name)));
            in = new FrameReader(socket.getInputStream());
            Frame f = in.read();
            if (f == null) {
                throw new IOException("the server closed the connection instead of answering the hello");
            }
            id = ((Control.MasterId) Messages.decode(f)).id();
        }

        /** True when the server closed the connection (reads through anything else it sends). */
        boolean closedByServer() {
            try {
                InputStream s = socket.getInputStream();
                while (in.read() != null) {
                    // keepalives
                }
                return s != null;
            } catch (IOException e) {
                return true;
            }
        }

        private static byte[] magic() {
            byte[] m = new byte[8];
            new java.security.SecureRandom().nextBytes(m);
            return m;
        }

        Path socketIn(Path dir, String name) {
            return dir.resolve(name + "-" + id);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static long sessionOf(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[3]);
    }
}
