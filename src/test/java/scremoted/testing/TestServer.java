package scremoted.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import scremoted.cli.Cli;
import scremoted.cli.Options;
import scremoted.log.Log;
import scremoted.server.Limits;
import scremoted.server.Server;
import scremoted.server.Timing;
import scremoted.tls.ServerTls;

/**
 * A server under test on 127.0.0.1 (or ::1) with an ephemeral port and shortened timers, plus factories
 * for simulated monitors and unix clients, all closed together.
 */
public final class TestServer implements AutoCloseable {
    public final Server server;
    public final Path dir;
    public final Timing timing;
    public final InetSocketAddress address;
    private final List<AutoCloseable> owned = new ArrayList<>();

    private TestServer(Server server, Path dir, Timing timing) {
        this.server = server;
        this.dir = dir;
        this.timing = timing;
        this.address = server.boundAddresses().get(0);
    }

    /** -P 127.0.0.1:0 -U dir -O debug, -Z zombieSeconds, plus extra arguments (e.g. "-O", "allowgroup"). */
    public static TestServer start(Path dir, Timing timing, Limits limits, int zombieSeconds, String... extra)
            throws IOException {
        return startOn("127.0.0.1:1", dir, timing, limits, zombieSeconds, extra);
    }

    public static TestServer startOn(String listen, Path dir, Timing timing, Limits limits, int zombieSeconds,
            String... extra) throws IOException {
        return startOn(listen, dir, timing, limits, zombieSeconds, null, extra);
    }

    /**
     * With TLS: {@code extra} must hold -c and -p (and -C if {@code tls} asks for client certificates), and
     * {@code tls} the material loaded from them.
     */
    public static TestServer startTls(Path dir, Timing timing, Limits limits, int zombieSeconds, ServerTls tls,
            String... extra) throws IOException {
        return startOn("127.0.0.1:1", dir, timing, limits, zombieSeconds, tls, extra);
    }

    private static TestServer startOn(String listen, Path dir, Timing timing, Limits limits, int zombieSeconds,
            ServerTls tls, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("-P", listen, "-U", dir.toString(), "-O", "debug"));
        args.addAll(Arrays.asList(extra));
        Options o;
        try {
            o = ((Cli.Run) Cli.parse(args.toArray(String[]::new))).options().withPort(0)
                    .withZombieSeconds(zombieSeconds);
        } catch (Exception e) {
            throw new AssertionError("bad test command line " + args + ": " + e, e);
        }
        Log.configure(true, true, true); // -O debug lines on stderr (Main does this for the real program)
        Server s = tls != null ? Server.start(o, timing, limits == null ? Limits.DEFAULT : limits, tls)
                : limits == null ? Server.start(o, timing) : Server.start(o, timing, limits);
        return new TestServer(s, dir, timing);
    }

    /** Milliseconds of n protocol "seconds". */
    public long ms(double seconds) {
        return (long) (seconds * timing.millisPerSecond());
    }

    public Duration seconds(double protocolSeconds) {
        return Duration.ofMillis(ms(protocolSeconds));
    }

    /** A simulated monitor with a random magic that sends a KEEPALIVE after 10 protocol seconds of silence. */
    public SimScamper sim(String name) {
        return sim(SimScamper.randomMagic(), name);
    }

    public SimScamper sim(byte[] magic, String name) {
        return sim(SimScamper.plain(address), magic, name);
    }

    /** A simulated monitor connecting through {@code connector} (e.g. a {@link TlsConnector}). */
    public SimScamper sim(SimScamper.Connector connector, byte[] magic, String name) {
        SimScamper s = new SimScamper(connector, magic, name);
        s.autoKeepalive(seconds(10));
        owned.add(s);
        return s;
    }

    public RawPeer raw() throws IOException {
        RawPeer p = RawPeer.connect(address);
        owned.add(p);
        return p;
    }

    public UnixClient client(SimScamper sim) throws IOException {
        return client(socketPath(sim));
    }

    public UnixClient client(Path socket) throws IOException {
        UnixClient c = UnixClient.connect(socket);
        owned.add(c);
        return c;
    }

    /** The socket file the server must create for this sim's current connection. */
    public Path socketPath(SimScamper sim) {
        String a = sim.addressString();
        return dir.resolve(sim.name() == null ? a : sim.name() + "-" + a);
    }

    public Path socketPath(String name, String addressString) {
        return dir.resolve(name == null ? addressString : name + "-" + addressString);
    }

    /** Every entry of the socket directory. */
    public List<String> dirEntries() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    public void awaitSessions(int n) {
        Await.until(() -> "sessionCount " + n + ", is " + server.sessionCount(), Await.DEFAULT,
                () -> server.sessionCount() == n);
    }

    @Override
    public void close() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                // ignore
            }
        }
        server.close();
    }
}
