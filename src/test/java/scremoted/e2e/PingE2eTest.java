package scremoted.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A real scamper connects; a client drives it through the monitor's unix socket. Each test runs against
 * our server (JAVA) and, as the reference that validates the test itself, the C sc_remoted (C).
 */
@Timeout(60)
class PingE2eTest extends E2eBase {

    /** Socket name, ping, done, EOF; the warts result is a ping of 127.0.0.1 with one reply. */
    @ParameterizedTest
    @EnumSource(Backend.Kind.class)
    void pingThroughMonitorSocket(Backend.Kind kind) throws Exception {
        Path dir = dir("u");
        Backend server = backend(kind, dir, "127.0.0.1:1");
        scamper(server.remote(), "test.vp");
        Path sock = E2e.awaitSocket(dir, "test.vp", "127.0.0.1:", this::diag);

        String name = sock.getFileName().toString();
        Matcher m = Pattern.compile("test\\.vp-127\\.0\\.0\\.1:(\\d+)").matcher(name);
        assertTrue(m.matches(), "socket name " + name + diag());
        int sourcePort = Integer.parseInt(m.group(1));
        assertTrue(E2e.clientPortsTo(server.port()).contains(sourcePort),
                "socket name's port " + sourcePort + " is not a source port of a connection to the server's port "
                        + server.port() + ": " + E2e.clientPortsTo(server.port()) + diag());
        assertTrue(Files.getOwner(sock) != null && !Files.isRegularFile(sock), "not a socket: " + sock);

        ControlClient c = connect(sock);
        byte[] warts = pingAndDone(c, "127.0.0.1");
        // scamper may send MORE and the list/cycle-start DATA before or after "OK id-1": no order asserted.
        assertTrue(c.atEof());

        List<String> json = json(warts, "ping.warts");
        E2e.assertOnePingReply(json, "127.0.0.1", this::diag);
        // scamper names its lists <MASTER_ID>_<n>: the server told it the address it sees.
        String list = listName(json);
        assertTrue(list.matches("127\\.0\\.0\\.1:" + sourcePort + "_\\d+"),
                "list name " + list + " is not <MASTER_ID>_n with MASTER_ID 127.0.0.1:" + sourcePort + diag());
        assertTrue(json.stream().anyMatch(l -> E2e.jsonType(l).equals("cycle-stop")),
                "no cycle-stop after done:\n" + String.join("\n", json) + diag());
        assertTrue(Files.exists(sock), "socket vanished after a client finished" + diag());
    }

    /**
     * The client sends a ping and shuts down its write side at once: the channel is finished from the
     * client's side, yet the result must still arrive, then EOF.
     */
    @ParameterizedTest
    @EnumSource(Backend.Kind.class)
    void halfClosedClientStillGetsResult(Backend.Kind kind) throws Exception {
        Path dir = dir("u");
        Backend server = backend(kind, dir, "127.0.0.1:1");
        scamper(server.remote(), "half.vp");
        Path sock = E2e.awaitSocket(dir, "half.vp", "127.0.0.1:", this::diag);

        ControlClient c = connect(sock);
        c.send("ping -c 1 127.0.0.1");
        c.shutdownOutput();
        try {
            c.readToEof(Duration.ofSeconds(15));
        } catch (TimeoutException e) {
            fail("no EOF after a half-close and a ping: " + e + diag());
        }
        E2e.assertOnePingReply(json(c.warts(), "half.warts"), "127.0.0.1", this::diag);

        // The monitor is still usable afterwards.
        byte[] again = pingAndDone(connect(sock), "127.0.0.1");
        E2e.assertOnePingReply(json(again, "half2.warts"), "127.0.0.1", this::diag);
    }

    /** Without -M the socket is named by the address alone. */
    @ParameterizedTest
    @EnumSource(Backend.Kind.class)
    void monitorWithoutName(Backend.Kind kind) throws Exception {
        Path dir = dir("u");
        Backend server = backend(kind, dir, "127.0.0.1:1");
        scamper(server.remote(), null);
        Path sock = E2e.awaitSocketPrefix(dir, "127.0.0.1:", this::diag);
        assertTrue(sock.getFileName().toString().matches("127\\.0\\.0\\.1:\\d+"), sock + diag());
        E2e.assertOnePingReply(json(pingAndDone(connect(sock), "127.0.0.1"), "noname.warts"), "127.0.0.1", this::diag);
    }

    /** IPv6: listen on ::1, the socket is {@code name-::1.<port>}, ping ::1 works. */
    @ParameterizedTest
    @EnumSource(Backend.Kind.class)
    void ipv6Monitor(Backend.Kind kind) throws Exception {
        Path dir = dir("u");
        Backend server = backend(kind, dir, "[::1]:1");
        scamper(server.remote(), "v6.vp");
        Path sock = E2e.awaitSocket(dir, "v6.vp", "::1.", this::diag);
        Matcher m = Pattern.compile("v6\\.vp-::1\\.(\\d+)").matcher(sock.getFileName().toString());
        assertTrue(m.matches(), "socket name " + sock.getFileName() + diag());

        List<String> json = json(pingAndDone(connect(sock), "::1"), "v6.warts");
        E2e.assertOnePingReply(json, "::1", this::diag);
        String list = listName(json);
        assertTrue(list.matches("::1\\." + m.group(1) + "_\\d+"), "list name " + list + diag());
    }

    /** When scamper goes away the session becomes a zombie (-Z 900 default): its socket file is removed. */
    @ParameterizedTest
    @EnumSource(Backend.Kind.class)
    void socketRemovedWhenScamperExits(Backend.Kind kind) throws Exception {
        Path dir = dir("u");
        Backend server = backend(kind, dir, "127.0.0.1:1");
        ScamperProc sc = scamper(server.remote(), "gone.vp");
        Path sock = E2e.awaitSocket(dir, "gone.vp", "127.0.0.1:", this::diag);
        sc.close();
        assertTrue(E2e.poll(Duration.ofSeconds(10), () -> !Files.exists(sock)),
                "socket " + sock + " still there 10 s after scamper exited" + diag());
    }
}
