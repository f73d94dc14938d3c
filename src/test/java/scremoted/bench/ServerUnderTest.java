package scremoted.bench;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;

/**
 * One server process under test, ours (the JVM) or the C one, started with the same options and
 * measured from /proc: resident memory, CPU time, descriptors.
 */
final class ServerUnderTest implements AutoCloseable {
    /** How to start one kind of server: the command before the common sc_remoted options. */
    record Kind(String label, List<String> prefix, boolean jvm) {
        /** Ours from a jar, as packaging/sc_remoted runs it. */
        static Kind oursJar(Path jar, List<String> javaOpts) {
            List<String> cmd = new ArrayList<>();
            cmd.add(javaBinary());
            cmd.addAll(javaOpts);
            cmd.addAll(launcherOptions());
            cmd.addAll(List.of("-jar", jar.toString()));
            return new Kind("ours", cmd, true);
        }

        /** Ours from a class path (the test JVM's own: no jar before the package phase). */
        static Kind oursClasspath(String classpath, List<String> javaOpts) {
            List<String> cmd = new ArrayList<>();
            cmd.add(javaBinary());
            cmd.addAll(javaOpts);
            cmd.addAll(launcherOptions());
            cmd.addAll(List.of("--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
                    "--enable-native-access=ALL-UNNAMED", "-cp", classpath, "scremoted.Main"));
            return new Kind("ours", cmd, true);
        }

        /** The JVM options packaging/sc_remoted runs ours with, so that we measure what users run. */
        static List<String> launcherOptions() {
            try {
                return Files.readAllLines(Path.of("packaging/jvm.options")).stream().map(String::strip)
                        .filter(l -> !l.isEmpty()).toList();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("packaging/jvm.options", e);
            }
        }

        static Kind c(Path binary) {
            return new Kind("C", List.of(binary.toString()), false);
        }
    }

    /** The C server: whichever of the usual paths is an ELF executable (never a wrapper script). */
    static Path findCServer() {
        for (String p : new String[] {"/usr/bin/sc_remoted.c", "/usr/bin/sc_remoted"}) {
            Path path = Path.of(p);
            try {
                if (Files.isRegularFile(path) && Files.isExecutable(path)) {
                    byte[] head = new byte[4];
                    try (var in = Files.newInputStream(path)) {
                        if (in.readNBytes(head, 0, 4) == 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L'
                                && head[3] == 'F') {
                            return path;
                        }
                    }
                }
            } catch (IOException e) {
                // not this one
            }
        }
        return null;
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    final Kind kind;
    final int port;
    final Path dir;
    final Process process;
    final Path log;
    /** How monitors reach this server over TLS; null: plaintext. */
    final SSLSocketFactory clientTls;

    private ServerUnderTest(Kind kind, int port, Path dir, Process process, Path log, SSLSocketFactory clientTls) {
        this.clientTls = clientTls;
        this.kind = kind;
        this.port = port;
        this.dir = dir;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts the server on a free loopback port with a fresh -U directory and -Z 0, and waits
     * until it accepts connections.
     *
     * @param jvmProps extra -D options for ours (ignored for C)
     */
    static ServerUnderTest start(Kind kind, Path workDir, String tag, List<String> jvmProps) throws IOException, InterruptedException {
        return start(kind, workDir, tag, jvmProps, null);
    }

    /** As {@link #start(Kind, Path, String, List)}, with TLS (-c, -p) when {@code pki} is not null. */
    static ServerUnderTest start(Kind kind, Path workDir, String tag, List<String> jvmProps, BenchPki pki)
            throws IOException, InterruptedException {
        int port = freePort();
        Path dir = Files.createTempDirectory(unixBase(), "scb");
        List<String> cmd = new ArrayList<>();
        if (kind.jvm()) {
            cmd.add(kind.prefix().get(0));
            cmd.addAll(jvmProps);
            cmd.addAll(kind.prefix().subList(1, kind.prefix().size()));
        } else {
            cmd.addAll(kind.prefix());
        }
        cmd.addAll(List.of("-P", "127.0.0.1:" + port, "-U", dir.toString(), "-Z", "0"));
        if (pki != null) {
            cmd.addAll(pki.serverArgs());
        }
        Files.createDirectories(workDir);
        Path log = workDir.resolve("server-" + kind.label() + "-" + tag + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ServerUnderTest s = new ServerUnderTest(kind, port, dir, p, log, pki == null ? null : pki.clientFactory());
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            if (!p.isAlive()) {
                throw new IOException(kind.label() + " server exited at start (" + p.exitValue() + "): "
                        + Files.readString(log));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                probe.setSoLinger(true, 0);
                Thread.sleep(200);
                return s;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        s.close();
        throw new IOException(kind.label() + " server did not listen within 30 s: " + String.join(" ", cmd));
    }

    /**
     * Where the -U directories go: system property {@code bench.unixBase}, else /dev/shm (tmpfs, as
     * /run is where a service keeps its sockets), else /tmp. On a disk file system the kernel's
     * bind() of each monitor's socket dominates the connection rate of both servers.
     */
    static Path unixBase() {
        String p = System.getProperty("bench.unixBase");
        if (p != null) {
            return Path.of(p);
        }
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of("/tmp");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    long pid() {
        return process.pid();
    }

    /** Resident set size in KiB (smaps_rollup's Rss, else status's VmRSS). */
    long rssKiB() throws IOException {
        Path rollup = Path.of("/proc", Long.toString(pid()), "smaps_rollup");
        String field = "Rss:";
        List<String> lines;
        if (Files.isReadable(rollup)) {
            lines = Files.readAllLines(rollup);
        } else {
            lines = Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"));
            field = "VmRSS:";
        }
        for (String l : lines) {
            if (l.startsWith(field)) {
                return Long.parseLong(l.substring(field.length()).trim().split("\\s+")[0]);
            }
        }
        throw new IOException("no " + field + " for " + pid());
    }

    /** The peak resident set size so far (VmHWM), in KiB. */
    long peakRssKiB() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (l.startsWith("VmHWM:")) {
                return Long.parseLong(l.substring(6).trim().split("\\s+")[0]);
            }
        }
        throw new IOException("no VmHWM for " + pid());
    }

    /** utime + stime in clock ticks (USER_HZ, 100 on Linux). */
    long cpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after the command: state(0) ppid(1) ... utime is field 14 of the line, index 11 here
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    static double ticksToSeconds(long ticks) {
        return ticks / 100.0;
    }

    int openFiles() {
        String[] fds = new File("/proc/" + pid() + "/fd").list();
        return fds == null ? -1 : fds.length;
    }

    /** For ours: full collections through jcmd GC.run (then a pause); for C: just the pause. */
    void settle(long millis) throws InterruptedException {
        if (kind.jvm()) {
            // Serial GC gives memory back in steps over successive full collections (ShrinkHeapInSteps).
            for (int i = 0; i < 4; i++) {
                try {
                    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
                    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), "GC.run")
                            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                    p.waitFor(30, TimeUnit.SECONDS);
                } catch (IOException e) {
                    // measured without it
                }
            }
        }
        Thread.sleep(millis);
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM (both servers end gracefully on it), then SIGKILL after 10 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // left in /tmp
        }
    }
}
