package scremoted.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import scremoted.testing.Await;
import scremoted.testing.Checks;
import scremoted.testing.LogCapture;
import scremoted.testing.RawPeer;
import scremoted.testing.SimScamper;
import scremoted.testing.TestServer;
import scremoted.testing.UnixClient;
import scremoted.wire.Control;
import scremoted.wire.Frame;

/**
 * PROTOCOL.md sections 4, 5 and 12: whatever a peer sends, that connection is closed and everybody else is
 * served. One server for the class (-Z 0, 1 protocol second = 40 ms); a "veteran" monitor with an open
 * client is established before any bad peer and must be unaffected after each; a fresh monitor must work.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
    private static final Timing TIMING = new Timing(40);

    @TempDir
    static Path dir;

    private TestServer ts;
    private SimScamper veteran;
    private UnixClient veteranClient;
    private int veteranChannel;
    private Path veteranSocket;
    private final List<String> notOurs = new ArrayList<>();
    private int round;

    @BeforeAll
    void startServerAndVeteran() throws IOException {
        ts = TestServer.start(dir, TIMING, null, 0);
        veteran = ts.sim("veteran");
        veteran.hello();
        veteranSocket = ts.socketPath(veteran);
        veteranClient = ts.client(veteran);
        veteranChannel = veteran.awaitChannelNew();
        Checks.exchange(veteran, veteranClient, veteranChannel, "start");
    }

    @AfterAll
    void stop() {
        ts.close();
    }

    /** After every bad peer: only the veteran's session and file remain; it and a fresh monitor work. */
    @AfterEach
    void everybodyElseIsServed() throws IOException {
        ts.awaitSessions(1);
        List<String> files = new ArrayList<>(ts.dirEntries());
        files.removeAll(notOurs);
        assertEquals(List.of(veteranSocket.getFileName().toString()), files, "socket files");
        assertFalse(veteran.closedByServer(), "veteran still connected");
        Checks.exchange(veteran, veteranClient, veteranChannel, "round " + ++round);
        Checks.freshMonitorWorks(ts, "good" + round);
        ts.awaitSessions(1);
    }

    // ------------------------------------------------------------------ first message (hello state)

    static Stream<Arguments> badHellos() {
        byte[] magic = {1, 2, 3, 4, 5, 6, 7, 8};
        List<Arguments> a = new ArrayList<>();
        a.add(named("empty control message", header(0, 0, 0)));
        a.add(named("unknown control type 9", frame(0, 0, new byte[] {9})));
        a.add(named("unknown control type 255", frame(0, 0, new byte[] {(byte) 255})));
        a.add(named("data before hello", frame(0, 1, "hello\n".getBytes())));
        a.add(named("KEEPALIVE first", frame(0, 0, new Control.Keepalive().encode())));
        a.add(named("ACK first", frame(0, 0, new Control.Ack(0).encode())));
        a.add(named("CHANNEL_NEW first", frame(0, 0, new Control.ChannelNew(1).encode())));
        a.add(named("CHANNEL_FIN first", frame(0, 0, new Control.ChannelFin(1).encode())));
        a.add(named("MASTER_ID first", frame(0, 0, new Control.MasterId("1.2.3.4:5").encode())));
        a.add(named("MASTER_OK first", frame(0, 0, new Control.MasterOk(0).encode())));
        a.add(named("MASTER_REJ first", frame(0, 0, new Control.MasterRej().encode())));
        a.add(named("MASTER_NEW with sequence 5", frame(5, 0, new Control.MasterNew(magic, "seq").encode())));
        a.add(named("MASTER_RES with sequence 3", frame(3, 0, new Control.MasterRes(magic, 0, 0, 0).encode())));
        a.add(named("MASTER_NEW on channel 1", frame(0, 1, new Control.MasterNew(magic, "chan").encode())));
        a.add(named("name with /", masterNew(magic, "a/b".getBytes(), true)));
        a.add(named("name with _", masterNew(magic, "a_b".getBytes(), true)));
        a.add(named("name with space", masterNew(magic, "a b".getBytes(), true)));
        a.add(named("name not ASCII", masterNew(magic, "caf\u00e9".getBytes(StandardCharsets.UTF_8), true)));
        a.add(named("name with NUL inside", masterNew(magic, "ab\0cd".getBytes(), true)));
        a.add(named("name not NUL-terminated", masterNew(magic, "abc".getBytes(), false)));
        a.add(named("name_len past the payload", frame(0, 0, HelloTest.concat(new byte[] {0, 8}, magic, new byte[] {20}, "abc\0".getBytes()))));
        a.add(named("magic_len 0", frame(0, 0, new byte[] {0, 0, 4, 'a', 'b', 'c', 0})));
        a.add(named("magic_len past the payload", frame(0, 0, new byte[] {0, 20, 1, 2, 3})));
        a.add(named("MASTER_RES truncated", frame(0, 0, HelloTest.concat(new byte[] {6, 8}, magic, new byte[11]))));
        a.add(named("half a header then silence", new byte[] {0, 0, 0, 0, 0}));
        a.add(named("header then half a payload then silence", HelloTest.concat(header(0, 0, 18), new byte[] {0, 8, 1, 2})));
        byte[] noise = new byte[64 * 1024];
        new Random(20260420L).nextBytes(noise);
        a.add(named("64 KiB of random noise", noise));
        return a.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badHellos")
    void badFirstMessageClosesTheConnection(byte[] bytes) throws IOException {
        RawPeer p = ts.raw();
        p.write(bytes);
        p.awaitClosedByServer(ts.seconds(30).plusSeconds(3));
        assertNoMasterId(p);
    }

    @Test
    void tlsClientHelloOnThePlainPort() throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, null, null);
        InetSocketAddress a = ts.address;
        try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(a.getAddress(), a.getPort())) {
            s.setSoTimeout((int) ts.seconds(30).plusSeconds(5).toMillis());
            try {
                s.startHandshake();
                fail("TLS handshake against the plaintext port succeeded");
            } catch (SocketTimeoutException e) {
                fail("the server did not close a connection that sent a TLS ClientHello");
            } catch (IOException expected) {
                // closed by the server
            }
        }
    }

    @Test
    void duplicateMagicOfALiveSessionIsRejected() throws IOException {
        for (String name : new String[] {"veteran", "other", null}) {
            SimScamper dup = ts.sim(veteran.magic(), name);
            assertThrows(SimScamper.ClosedByServer.class, dup::hello, "MASTER_NEW with a live session's magic, name " + name);
            dup.close();
        }
        assertFalse(veteran.closedByServer(), "the live session keeps its connection");
    }

    @Test
    void socketPathTooLongFailsOnlyThatMonitor() throws IOException {
        String name = "n".repeat(250);
        SimScamper sim = ts.sim(name);
        try (LogCapture log = LogCapture.start()) {
            assertThrows(SimScamper.ClosedByServer.class, sim::hello, "a monitor whose socket path exceeds 107 bytes");
            Await.until("a log line about the socket path being too long: " + log.lines(),
                    () -> log.lines().stream().anyMatch(l -> l.toLowerCase(java.util.Locale.ROOT).contains("long")));
        }
        sim.close();
    }

    @Test
    void existingRegularFileIsNeitherUsedNorRemoved() throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress("127.0.0.1", 0));
        Path file = dir.resolve("blocked-127.0.0.1:" + s.getLocalPort());
        byte[] content = "not the server's\n".getBytes();
        Files.write(file, content);
        notOurs.add(file.getFileName().toString());
        s.connect(ts.address, 5000);
        SimScamper sim = ts.sim("blocked");
        assertThrows(SimScamper.ClosedByServer.class, () -> sim.helloOn(s, sim.magic(), "blocked"));
        sim.close();
        assertTrue(Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS), "the file is still a regular file");
        assertArrayEquals(content, Files.readAllBytes(file), "the file is untouched");
    }

    // ------------------------------------------------------------------ established sessions

    @FunctionalInterface
    interface BadAction {
        void apply(SimScamper sim, int ch) throws IOException;
    }

    static Stream<Arguments> badEstablished() {
        return Stream.of(
                named("empty control message", (BadAction) (s, ch) -> s.sendRaw(header(s.sndNxt(), 0, 0))),
                named("data with sequence ahead", (BadAction) (s, ch) -> s.sendFrame(s.sndNxt() + 1, ch, "x".getBytes())),
                named("data with sequence behind", (BadAction) (s, ch) -> {
                    s.sendData(ch, "ok\n");
                    s.awaitAllAcked();
                    s.sendFrame(s.sndNxt() - 1, ch, "again\n".getBytes());
                }),
                named("KEEPALIVE with wrong sequence", (BadAction) (s, ch) -> s.sendFrame(s.sndNxt() + 3, 0, new byte[] {4})),
                named("unknown control type 9", (BadAction) (s, ch) -> s.sendFrame(s.sndNxt(), 0, new byte[] {9, 0, 0, 0, 0})),
                named("CHANNEL_NEW from the monitor", (BadAction) (s, ch) -> s.sendFrame(s.sndNxt(), 0, new Control.ChannelNew(5).encode())),
                named("MASTER_ID from the monitor", (BadAction) (s, ch) -> s.sendFrame(s.sndNxt(), 0, new Control.MasterId("1.2.3.4:5").encode())),
                named("MASTER_OK from the monitor", (BadAction) (s, ch) -> s.sendFrame(s.sndNxt(), 0, new Control.MasterOk(0).encode())),
                named("MASTER_REJ from the monitor", (BadAction) (s, ch) -> s.sendFrame(s.sndNxt(), 0, new Control.MasterRej().encode())),
                named("MASTER_NEW again", (BadAction) (s, ch) -> s.sendFrame(0, 0, new Control.MasterNew(s.magic(), s.name()).encode())),
                named("MASTER_RES while established", (BadAction) (s, ch) -> s.sendFrame(0, 0, new Control.MasterRes(s.magic(), 0, 0, 0).encode())),
                named("ACK with nothing outstanding", (BadAction) (s, ch) -> s.sendAck(1)),
                named("ACK repeating an acknowledged sequence", (BadAction) (s, ch) -> s.sendAck(0)),
                named("ACK naming the wrong sequence", (BadAction) (s, ch) -> {
                    s.mode(SimScamper.Mode.NOACK);
                    UnixClient.connect(dirOf(s)).write("hold\n"); // CHANNEL_NEW 1 and data 2 outstanding
                    Await.until("frames held unacknowledged", () -> s.rcvNxt() >= 3);
                    s.sendAck(2);
                }),
                named("CHANNEL_FIN payload of 3 bytes", (BadAction) (s, ch) -> s.sendFrame(s.sndNxt(), 0, new byte[] {3, 0, 0, 1})),
                named("CHANNEL_FIN payload of 6 bytes", (BadAction) (s, ch) -> s.sendFrame(s.sndNxt(), 0, new byte[] {3, 0, 0, 0, 1, 0})),
                named("ACK payload of 3 bytes", (BadAction) (s, ch) -> s.sendFrame(s.sndNxt(), 0, new byte[] {5, 0, 0})),
                named("ACK payload of 6 bytes", (BadAction) (s, ch) -> s.sendFrame(s.sndNxt(), 0, new byte[] {5, 0, 0, 0, 0, 0})),
                named("KEEPALIVE with an extra byte", (BadAction) (s, ch) -> s.sendFrame(s.sndNxt(), 0, new byte[] {4, 0})));
    }

    /** The established sim of the running case, for actions that need to open a second client. */
    private static volatile Path currentSocket;

    private static Path dirOf(SimScamper s) {
        return currentSocket;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badEstablished")
    void protocolErrorInEstablishedStateDestroysTheSession(BadAction action) throws IOException {
        SimScamper sim = ts.sim("bad");
        sim.hello();
        Path sock = ts.socketPath(sim);
        currentSocket = sock;
        UnixClient c = ts.client(sim);
        int ch = sim.awaitChannelNew();
        sim.awaitAllAcked();
        ts.awaitSessions(2);
        action.apply(sim, ch);
        sim.awaitClosedByServer(Duration.ofSeconds(2));
        c.awaitEof(Checks.SHORT);
        Await.until("socket file removed", () -> !Files.exists(sock, LinkOption.NOFOLLOW_LINKS));
        sim.close();
    }

    /** A partial frame then silence on an established connection: dropped by the receive timeout. */
    @Test
    void partialFrameThenSilenceInEstablishedState() throws IOException {
        SimScamper sim = ts.sim("stall");
        sim.autoKeepalive(null);
        sim.hello();
        Path sock = ts.socketPath(sim);
        sim.sendRaw(HelloTest.concat(header(0, 0, 100), new byte[10]));
        sim.awaitClosedByServer(ts.seconds(60).plusSeconds(3));
        Await.until("socket file removed", () -> !Files.exists(sock, LinkOption.NOFOLLOW_LINKS));
        sim.close();
    }

    // ------------------------------------------------------------------ helpers

    private static void assertNoMasterId(RawPeer p) {
        for (Frame f : p.receivedFrames()) {
            assertFalse(f.channel() == 0 && f.payload()[0] == Control.MASTER_ID, "server sent MASTER_ID to a bad peer");
        }
    }

    static Arguments named(String name, Object payload) {
        return Arguments.of(Named.of(name, payload));
    }

    static byte[] header(int seq, int channel, int length) {
        byte[] h = new byte[10];
        h[0] = (byte) (seq >>> 24);
        h[1] = (byte) (seq >>> 16);
        h[2] = (byte) (seq >>> 8);
        h[3] = (byte) seq;
        h[4] = (byte) (channel >>> 24);
        h[5] = (byte) (channel >>> 16);
        h[6] = (byte) (channel >>> 8);
        h[7] = (byte) channel;
        h[8] = (byte) (length >>> 8);
        h[9] = (byte) length;
        return h;
    }

    static byte[] frame(int seq, int channel, byte[] payload) {
        return Frame.encode(seq, channel, payload, 0, payload.length);
    }

    static byte[] masterNew(byte[] magic, byte[] name, boolean nul) {
        int nameLen = name.length + (nul ? 1 : 0);
        byte[] p = new byte[2 + magic.length + 1 + nameLen];
        p[0] = 0;
        p[1] = (byte) magic.length;
        System.arraycopy(magic, 0, p, 2, magic.length);
        p[2 + magic.length] = (byte) nameLen;
        System.arraycopy(name, 0, p, 3 + magic.length, name.length);
        return frame(0, 0, p);
    }
}
