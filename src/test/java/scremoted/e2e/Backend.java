package scremoted.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import scremoted.cli.Cli;
import scremoted.log.Log;
import scremoted.server.Server;
import scremoted.server.Timing;

/** A server under test: ours in-process, or the C sc_remoted as a subprocess (the reference). */
sealed interface Backend extends AutoCloseable {
    enum Kind {
        JAVA, C;

        Backend start(Path dir, String listen, String... extraO) throws IOException {
            return this == JAVA ? Backend.Java.start(dir, listen, extraO) : Backend.C.start(dir, listen, extraO);
        }
    }

    /** The TCP port scamper must connect to. */
    int port();

    /** scamper's -R argument. */
    String remote();

    String diagnostics();

    @Override
    void close();

    private static String host(String listen) {
        return listen.substring(0, listen.lastIndexOf(':'));
    }

    /** Our server, in this JVM, with debug lines captured. */
    final class Java implements Backend {
        final Server server;
        private final String host;
        private final ByteArrayOutputStream debug;

        private Java(Server server, String host, ByteArrayOutputStream debug) {
            this.server = server;
            this.host = host;
            this.debug = debug;
        }

        /** listen is a -P value with port 1 placeholder, e.g. {@code 127.0.0.1:1} or {@code [::1]:1}. */
        static Java start(Path dir, String listen, String... extraO) throws IOException {
            List<String> args = new ArrayList<>();
            for (String o : extraO) {
                args.add("-O");
                args.add(o);
            }
            return startWith(dir, listen, args);
        }

        /** With -Z seconds. */
        static Java startWithZ(Path dir, int zombieSeconds) throws IOException {
            return startWith(dir, "127.0.0.1:1", List.of("-Z", Integer.toString(zombieSeconds)));
        }

        private static Java startWith(Path dir, String listen, List<String> extra) throws IOException {
            List<String> args = new ArrayList<>(List.of("-P", listen, "-U", dir.toString(), "-O", "debug"));
            args.addAll(extra);
            Cli.Run run;
            try {
                run = (Cli.Run) Cli.parse(args.toArray(String[]::new));
            } catch (Exception e) {
                throw new IOException("cannot parse " + args, e);
            }
            ByteArrayOutputStream debug = new ByteArrayOutputStream();
            Log.redirect(new PrintStream(new SyncOut(debug), true, StandardCharsets.UTF_8));
            Log.configure(true, true, true);
            Server server;
            try {
                server = Server.start(run.options().withPort(0), Timing.REAL);
            } catch (IOException | RuntimeException e) {
                Log.redirect(System.err);
                throw e;
            }
            return new Java(server, host(listen), debug);
        }

        @Override
        public int port() {
            List<InetSocketAddress> bound = server.boundAddresses();
            if (bound.isEmpty()) {
                fail("server.boundAddresses() is empty");
            }
            return bound.get(0).getPort();
        }

        @Override
        public String remote() {
            return host + ":" + port();
        }

        @Override
        public String diagnostics() {
            synchronized (debug) {
                return "--- our server's debug output ---\n" + debug.toString(StandardCharsets.UTF_8);
            }
        }

        private boolean closed;

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                server.close();
            } finally {
                Log.redirect(System.err);
            }
        }
    }

    /** The C sc_remoted of Debian's scamper package. */
    final class C implements Backend {
        final Process process;
        private final int port;
        private final String host;
        private final Path log;

        private C(Process process, int port, String host, Path log) {
            this.process = process;
            this.port = port;
            this.host = host;
            this.log = log;
        }

        static C start(Path dir, String listen, String... extraO) throws IOException {
            String host = host(listen);
            int port = E2e.freePort();
            List<String> cmd = new ArrayList<>(List.of(E2e.C_REMOTED.toString(), "-P", host + ":" + port,
                    "-U", dir.toString(), "-O", "debug"));
            for (String o : extraO) {
                cmd.add("-O");
                cmd.add(o);
            }
            Path log = Files.createTempFile(dir.toAbsolutePath().getParent(), "c-sc_remoted-", ".log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            C c = new C(p, port, host, log);
            if (!E2e.poll(Duration.ofSeconds(10), () -> E2e.listening(port) || !p.isAlive())
                    || !p.isAlive()) {
                String d = c.diagnostics();
                c.close();
                fail("C sc_remoted did not start listening on " + port + "\n" + d);
            }
            return c;
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public String remote() {
            return host + ":" + port;
        }

        @Override
        public String diagnostics() {
            return "--- C sc_remoted output ---\n" + E2e.read(log);
        }

        @Override
        public void close() {
            try {
                if (process.isAlive()) {
                    // SIGINT is the C version's graceful stop (it ignores nothing, but only SIGINT cleans up).
                    new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
                    if (!process.waitFor(3, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                        process.waitFor(3, TimeUnit.SECONDS);
                    }
                }
            } catch (IOException | InterruptedException e) {
                process.destroyForcibly();
            }
        }
    }

    /** Serialises writes of concurrent log lines into the capture buffer. */
    final class SyncOut extends java.io.OutputStream {
        private final ByteArrayOutputStream target;

        SyncOut(ByteArrayOutputStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) {
            synchronized (target) {
                target.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            synchronized (target) {
                target.write(b, off, len);
            }
        }
    }
}
