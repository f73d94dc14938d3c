package scremoted.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/** Shared helpers of the end-to-end tests against real scamper tools. */
final class E2e {
    static final Path SCAMPER = Path.of("/usr/bin/scamper");
    static final Path C_REMOTED = Path.of("/usr/bin/sc_remoted");
    static final Path SC_ATTACH = Path.of("/usr/bin/sc_attach");
    static final Path SC_WARTSDUMP = Path.of("/usr/bin/sc_wartsdump");
    static final Path SC_WARTS2JSON = Path.of("/usr/bin/sc_warts2json");

    /** Warts record types (the u16 after the 0x1205 magic). */
    static final int WARTS_LIST = 1;
    static final int WARTS_CYCLE_START = 2;
    static final int WARTS_CYCLE_STOP = 4;
    static final int WARTS_TRACE = 6;
    static final int WARTS_PING = 7;

    private E2e() {}

    /**
     * Skips the test when the scamper tools are missing, except in CI (CI=true), where they must be
     * installed and their absence is a failure. Root is required for scamper to ping: same rule.
     */
    static void requireScamperTools() {
        List<String> missing = new ArrayList<>();
        for (Path p : List.of(SCAMPER, C_REMOTED, SC_ATTACH, SC_WARTSDUMP, SC_WARTS2JSON)) {
            if (!Files.isExecutable(p)) {
                missing.add(p.toString());
            }
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        String why = !missing.isEmpty() ? "scamper tools missing: " + missing
                : !root ? "not running as root: scamper cannot ping" : null;
        if (why == null) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true but " + why + " (install Debian's package scamper and run as root)");
        }
        Assumptions.assumeTrue(false, why);
    }

    /** A TCP port that was free a moment ago on 127.0.0.1 (for subprocess servers that need a number). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            return s.getLocalPort();
        }
    }

    /** Polls until the condition holds; false on timeout. */
    static boolean poll(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** The one entry of dir whose name starts with prefix, when there is exactly one. */
    static Optional<Path> single(Path dir, String prefix) {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> found = s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
            return found.size() == 1 ? Optional.of(found.get(0)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static List<String> listNames(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of("<" + e + ">");
        }
    }

    /** Waits (up to 20 s) for the monitor socket {@code <dir>/<name>-<addrPrefix>...}; fails with diagnostics. */
    static Path awaitSocket(Path dir, String name, String addrPrefix, Supplier<String> diagnostics) {
        return awaitSocketPrefix(dir, name + "-" + addrPrefix, diagnostics);
    }

    /** Waits (up to 20 s) for exactly one entry {@code <dir>/<prefix>...}; fails with diagnostics. */
    static Path awaitSocketPrefix(Path dir, String prefix, Supplier<String> diagnostics) {
        return awaitSocketPrefix(dir, prefix, diagnostics, Duration.ofSeconds(20));
    }

    static Path awaitSocketPrefix(Path dir, String prefix, Supplier<String> diagnostics, Duration timeout) {
        Path[] found = new Path[1];
        boolean ok = poll(timeout, () -> {
            Optional<Path> p = single(dir, prefix);
            p.ifPresent(x -> found[0] = x);
            return p.isPresent() && Files.exists(found[0]);
        });
        if (!ok) {
            fail("no socket " + prefix + "* appeared in " + dir + " within " + timeout.toSeconds() + " s; directory holds "
                    + listNames(dir) + "\n" + diagnostics.get());
        }
        return found[0];
    }

    /** Whether something listens on TCP port (IPv4 or IPv6 table). */
    static boolean listening(int port) {
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String[] f : procNet(table)) {
                if (f[3].equals("0A") && localPort(f) == port) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Source ports of established TCP connections to 127.0.0.1 (or ::1) port {@code serverPort}, as the
     * kernel sees them: the client side of each connection.
     */
    static List<Integer> clientPortsTo(int serverPort) {
        List<Integer> ports = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String[] f : procNet(table)) {
                if (f[3].equals("01") && port(f[2]) == serverPort) {
                    ports.add(localPort(f));
                }
            }
        }
        return ports;
    }

    private static int localPort(String[] f) {
        return port(f[1]);
    }

    private static int port(String hexAddrPort) {
        return Integer.parseInt(hexAddrPort.substring(hexAddrPort.indexOf(':') + 1), 16);
    }

    private static List<String[]> procNet(String table) {
        List<String[]> rows = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (int i = 1; i < lines.size(); i++) {
                String[] f = lines.get(i).trim().split("\\s+");
                if (f.length > 3) {
                    rows.add(f);
                }
            }
        } catch (IOException e) {
            // table absent (no IPv6): nothing there
        }
        return rows;
    }

    /** Decodes standard uuencoded lines (a DATA block of scamper's control protocol). */
    static byte[] uudecode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            int n = (line.charAt(0) - 32) & 63;
            int pos = 1;
            while (n > 0) {
                int[] c = new int[4];
                for (int k = 0; k < 4; k++) {
                    c[k] = pos + k < line.length() ? (line.charAt(pos + k) - 32) & 63 : 0;
                }
                pos += 4;
                int[] b = {(c[0] << 2) | (c[1] >> 4), ((c[1] & 15) << 4) | (c[2] >> 2), ((c[2] & 3) << 6) | c[3]};
                for (int k = 0; k < 3 && n > 0; k++, n--) {
                    out.write(b[k] & 0xff);
                }
            }
        }
        return out.toByteArray();
    }

    /** The types of the complete warts records in bytes, in order (0x1205 magic, u16 type, u32 length). */
    static List<Integer> wartsTypes(byte[] bytes) {
        List<Integer> types = new ArrayList<>();
        int pos = 0;
        while (pos + 8 <= bytes.length) {
            int magic = ((bytes[pos] & 0xff) << 8) | (bytes[pos + 1] & 0xff);
            if (magic != 0x1205) {
                types.add(-1);
                break;
            }
            int type = ((bytes[pos + 2] & 0xff) << 8) | (bytes[pos + 3] & 0xff);
            long len = ((long) (bytes[pos + 4] & 0xff) << 24) | ((bytes[pos + 5] & 0xff) << 16)
                    | ((bytes[pos + 6] & 0xff) << 8) | (bytes[pos + 7] & 0xff);
            if (pos + 8 + len > bytes.length) {
                break;
            }
            types.add(type);
            pos += 8 + (int) len;
        }
        return types;
    }

    record ToolResult(int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    /** Runs a tool to completion (fails after the timeout, killing it). */
    static ToolResult run(Duration timeout, Path workDir, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(workDir, "tool", ".out");
        Path err = Files.createTempFile(workDir, "tool", ".err");
        Process p = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
            fail(String.join(" ", command) + " did not finish within " + timeout + "\n--- stdout ---\n"
                    + read(out) + "\n--- stderr ---\n" + read(err));
        }
        return new ToolResult(p.exitValue(), read(out), read(err));
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "<cannot read " + file + ": " + e + ">";
        }
    }

    /** sc_warts2json of a file, one JSON object a line. */
    static List<String> warts2json(Path warts) throws IOException, InterruptedException {
        ToolResult r = run(Duration.ofSeconds(20), warts.getParent(), SC_WARTS2JSON.toString(), warts.toString());
        if (r.exit() != 0) {
            fail("sc_warts2json " + warts + " failed: " + r);
        }
        return r.stdout().lines().filter(l -> !l.isBlank()).toList();
    }

    static String jsonType(String line) {
        Matcher m = Pattern.compile("\"type\":\"([^\"]*)\"").matcher(line);
        return m.find() ? m.group(1) : "";
    }

    static Optional<String> jsonString(String line, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\":\"([^\"]*)\"").matcher(line);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    static Optional<Long> jsonNumber(String line, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\":(-?\\d+)").matcher(line);
        return m.find() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }

    /**
     * Checks that the sc_warts2json lines hold exactly one ping to dst with one probe sent and one reply
     * from dst, and returns that line.
     */
    static String assertOnePingReply(List<String> json, String dst, Supplier<String> diagnostics) {
        List<String> pings = json.stream().filter(l -> jsonType(l).equals("ping")).toList();
        if (pings.size() != 1) {
            fail("expected exactly one ping result, sc_warts2json printed:\n" + String.join("\n", json) + "\n"
                    + diagnostics.get());
        }
        String ping = pings.get(0);
        String why = null;
        if (!jsonString(ping, "dst").equals(Optional.of(dst))) {
            why = "dst is not " + dst;
        } else if (!jsonNumber(ping, "ping_sent").equals(Optional.of(1L))) {
            why = "ping_sent is not 1";
        } else if (!ping.contains("\"responses\":[{")) {
            why = "no responses array";
        } else if (count(ping, "\"from\":\"") != 1 || !ping.contains("\"from\":\"" + dst + "\"")) {
            why = "not exactly one response from " + dst;
        } else if (!jsonNumber(ping, "replies").equals(Optional.of(1L))) {
            why = "statistics.replies is not 1";
        }
        if (why != null) {
            fail(why + ": " + ping + "\n" + diagnostics.get());
        }
        return ping;
    }

    static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
