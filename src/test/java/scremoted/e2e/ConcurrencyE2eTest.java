package scremoted.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Several clients on one monitor, several monitors on one server. */
@Timeout(60)
class ConcurrencyE2eTest extends E2eBase {

    /** Four clients at once on one monitor; each gets its own ping result (its own list) and its own EOF. */
    @ParameterizedTest
    @EnumSource(Backend.Kind.class)
    void fourClientsOnOneMonitor(Backend.Kind kind) throws Exception {
        Path dir = dir("u");
        Backend server = backend(kind, dir, "127.0.0.1:1");
        scamper(server.remote(), "multi.vp");
        Path sock = E2e.awaitSocket(dir, "multi.vp", "127.0.0.1:", this::diag);

        List<ControlClient> cs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            cs.add(connect(sock));
        }
        for (ControlClient c : cs) {
            c.send("ping -c 1 127.0.0.1");
        }
        try {
            for (ControlClient c : cs) {
                c.awaitLine(OK_ID, Duration.ofSeconds(10));
                c.awaitRecord(E2e.WARTS_PING, Duration.ofSeconds(15));
            }
            for (ControlClient c : cs) {
                c.send("done");
            }
            for (ControlClient c : cs) {
                c.readToEof(Duration.ofSeconds(10));
            }
        } catch (TimeoutException e) {
            fail(e + diag(), e);
        }
        Set<String> lists = new HashSet<>();
        for (int i = 0; i < cs.size(); i++) {
            List<String> json = json(cs.get(i).warts(), "c" + i + ".warts");
            E2e.assertOnePingReply(json, "127.0.0.1", this::diag);
            lists.add(listName(json));
        }
        assertEquals(4, lists.size(), "each client should have its own scamper list: " + lists + diag());
    }

    /** Two scampers (vp1, vp2) on one server at once: two sockets, each drives its own monitor. */
    @ParameterizedTest
    @EnumSource(Backend.Kind.class)
    void twoMonitorsAtOnce(Backend.Kind kind) throws Exception {
        Path dir = dir("u");
        Backend server = backend(kind, dir, "127.0.0.1:1");
        scamper(server.remote(), "vp1");
        scamper(server.remote(), "vp2");
        Path s1 = E2e.awaitSocket(dir, "vp1", "127.0.0.1:", this::diag);
        Path s2 = E2e.awaitSocket(dir, "vp2", "127.0.0.1:", this::diag);
        if (server instanceof Backend.Java j) {
            assertTrue(E2e.poll(Duration.ofSeconds(5), () -> j.server.sessionCount() == 2),
                    "sessionCount " + j.server.sessionCount() + " with two scampers" + diag());
        }
        ControlClient c1 = connect(s1);
        ControlClient c2 = connect(s2);
        c1.send("ping -c 1 127.0.0.1");
        c2.send("ping -c 1 127.0.0.1");
        byte[] w1 = pingDoneAfterSent(c1);
        byte[] w2 = pingDoneAfterSent(c2);
        for (Object[] x : new Object[][] {{w1, s1, "vp1"}, {w2, s2, "vp2"}}) {
            List<String> json = json((byte[]) x[0], x[2] + ".warts");
            E2e.assertOnePingReply(json, "127.0.0.1", this::diag);
            String addr = ((Path) x[1]).getFileName().toString().substring(((String) x[2]).length() + 1);
            String list = listName(json);
            assertTrue(list.startsWith(addr + "_"), x[2] + ": list " + list + " is not of MASTER_ID " + addr + diag());
        }
    }

    private byte[] pingDoneAfterSent(ControlClient c) throws Exception {
        try {
            c.awaitLine(OK_ID, Duration.ofSeconds(10));
            c.awaitRecord(E2e.WARTS_PING, Duration.ofSeconds(15));
            c.send("done");
            c.readToEof(Duration.ofSeconds(10));
        } catch (TimeoutException e) {
            fail(e + diag(), e);
        }
        return c.warts();
    }

    /**
     * Clients that connect and vanish (without a word, or in the middle of a ping) do not disturb the
     * monitor: it stays connected (same socket) and a later client is served.
     */
    @ParameterizedTest
    @EnumSource(Backend.Kind.class)
    void abandonedClientsDoNotDisturbMonitor(Backend.Kind kind) throws Exception {
        Path dir = dir("u");
        Backend server = backend(kind, dir, "127.0.0.1:1");
        scamper(server.remote(), "rude.vp");
        Path sock = E2e.awaitSocket(dir, "rude.vp", "127.0.0.1:", this::diag);

        for (int i = 0; i < 3; i++) {
            connect(sock).close();
        }
        ControlClient mid = connect(sock);
        mid.send("ping -c 1 127.0.0.1");
        mid.awaitLine(OK_ID, Duration.ofSeconds(10));
        mid.close();
        Thread.sleep(1500); // the abandoned ping finishes meanwhile; its output goes nowhere

        assertTrue(Files.exists(sock), "monitor socket gone after abandoned clients" + diag());
        E2e.assertOnePingReply(json(pingAndDone(connect(sock), "127.0.0.1"), "after.warts"), "127.0.0.1",
                this::diag);
        assertEquals(List.of(sock.getFileName().toString()), E2e.listNames(dir),
                "the monitor reconnected (or a socket leaked)" + diag());
    }

    /**
     * Volume: one client write of 20000 rejected commands (about 120 KB, more than one frame's 65535) and a
     * ping: scamper answers each with an ERR line (one data message each), then the ping. Nothing is lost,
     * reordered or stalled, and the monitor stays up.
     */
    @ParameterizedTest
    @EnumSource(Backend.Kind.class)
    void manyCommandsAndReplies(Backend.Kind kind) throws Exception {
        Path dir = dir("u");
        Backend server = backend(kind, dir, "127.0.0.1:1");
        scamper(server.remote(), "bulk.vp");
        Path sock = E2e.awaitSocket(dir, "bulk.vp", "127.0.0.1:", this::diag);
        ControlClient c = connect(sock);
        int n = 20000;
        c.sendQuietly("bogus\n".repeat(n - 1) + "bogus\nping -c 1 127.0.0.1");
        try {
            c.awaitLine(OK_ID, Duration.ofSeconds(20));
            c.awaitRecord(E2e.WARTS_PING, Duration.ofSeconds(15));
            c.send("done");
            c.readToEof(Duration.ofSeconds(10));
        } catch (TimeoutException e) {
            fail(e + " after " + c.lines().size() + " lines" + diag(), e);
        }
        long errs = c.lines().stream().filter(l -> l.equals("ERR command not accepted")).count();
        int ok = c.lines().indexOf(c.lines().stream().filter(l -> OK_ID.matcher(l).matches()).findFirst().orElse(""));
        assertEquals(n, errs, "ERR lines for " + n + " bogus commands" + diag());
        assertEquals(n, c.lines().subList(0, ok).stream().filter(l -> l.startsWith("ERR")).count(),
                "all ERR lines must come before the ping's OK (order kept)" + diag());
        E2e.assertOnePingReply(json(c.warts(), "bulk.warts"), "127.0.0.1", this::diag);
        assertTrue(Files.exists(sock), "monitor socket vanished" + diag());
    }

    /**
     * A client that floods commands and never reads its replies (about 500 KB of ERR lines pile up) must
     * not stall another client of the same monitor, nor the monitor.
     */
    @ParameterizedTest
    @EnumSource(Backend.Kind.class)
    void nonReadingClientDoesNotStallOthers(Backend.Kind kind) throws Exception {
        Path dir = dir("u");
        Backend server = backend(kind, dir, "127.0.0.1:1");
        scamper(server.remote(), "slow.vp");
        Path sock = E2e.awaitSocket(dir, "slow.vp", "127.0.0.1:", this::diag);
        ControlClient hog = connect(sock);
        hog.sendQuietly("bogus\n".repeat(19999) + "bogus");
        Thread.sleep(300);
        ControlClient other = connect(sock);
        E2e.assertOnePingReply(json(pingAndDone(other, "127.0.0.1"), "other.warts"), "127.0.0.1", this::diag);
        // The hog's replies were kept for it (the bound is far above 500 KB): it can still read them all.
        try {
            hog.awaitLine(java.util.regex.Pattern.compile("^MORE$"), Duration.ofSeconds(10));
            hog.send("done");
            hog.readToEof(Duration.ofSeconds(20));
        } catch (TimeoutException e) {
            fail(e + " after " + hog.lines().size() + " lines" + diag(), e);
        }
        assertEquals(20000, hog.lines().stream().filter(l -> l.equals("ERR command not accepted")).count(),
                "the hog's ERR lines" + diag());
    }

    /** A one-off check that our server counts no session once the only scamper has gone and -Z is 0. */
    @Test
    void sessionGoneWithoutZombieTime() throws Exception {
        Path dir = dir("u");
        Backend.Java server = Backend.Java.startWithZ(dir, 0);
        backends.add(server);
        ScamperProc sc = scamper(server.remote(), "z0.vp");
        Path sock = E2e.awaitSocket(dir, "z0.vp", "127.0.0.1:", this::diag);
        assertTrue(E2e.poll(Duration.ofSeconds(5), () -> server.server.sessionCount() == 1),
                "sessionCount " + server.server.sessionCount() + diag());
        sc.close();
        assertTrue(E2e.poll(Duration.ofSeconds(10), () -> server.server.sessionCount() == 0 && !Files.exists(sock)),
                "after scamper exited with -Z 0: sessionCount " + server.server.sessionCount() + ", socket exists "
                        + Files.exists(sock) + diag());
    }
}
