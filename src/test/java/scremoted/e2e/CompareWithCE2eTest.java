package scremoted.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our server and the C sc_remoted side by side, each behind a frame-parsing TCP relay: the same scamper
 * invocation yields the same socket name form and the same MASTER_ID form, and a ping works through both.
 */
@Timeout(60)
class CompareWithCE2eTest extends E2eBase {

    record Observed(String masterId, String socketName, int relaySidePort, String pingLine, String listName) {}

    @Test
    void sameSocketNameAndMasterIdAsC() throws Exception {
        Observed ours = observe(Backend.Kind.JAVA, "ours");
        Observed c = observe(Backend.Kind.C, "c");

        for (Observed o : List.of(ours, c)) {
            assertTrue(o.masterId().matches("^127\\.0\\.0\\.1:\\d+$"), "MASTER_ID form: " + o + diag());
            assertEquals("127.0.0.1:" + o.relaySidePort(), o.masterId(),
                    "MASTER_ID must be the address the server sees (the relay's side): " + o + diag());
            assertEquals("test.vp-" + o.masterId(), o.socketName(), "socket name vs MASTER_ID: " + o + diag());
            assertTrue(o.listName().startsWith(o.masterId() + "_"), "scamper's list name: " + o + diag());
        }
        // Same form for both: only the port differs.
        assertEquals(c.socketName().replaceAll("\\d+$", "N"), ours.socketName().replaceAll("\\d+$", "N"));
        assertEquals(c.masterId().replaceAll("\\d+$", "N"), ours.masterId().replaceAll("\\d+$", "N"));
        // The ping records agree apart from times, ids and sizes that vary run to run.
        assertEquals(normalise(c.pingLine()), normalise(ours.pingLine()),
                "ping JSON through C vs ours" + diag());
    }

    private static String normalise(String pingJson) {
        return pingJson.replaceAll("\"(sec|usec|rtt|probe_ipid|reply_ipid|min|max|avg|stddev)\":[0-9.]+", "\"$1\":X");
    }

    private Observed observe(Backend.Kind kind, String label) throws Exception {
        Path dir = dir(label);
        Backend server = backend(kind, dir, "127.0.0.1:1");
        FrameRelay relay = new FrameRelay(server.port());
        others.add(relay);
        scamper(relay.remote(), "test.vp");
        Path sock = E2e.awaitSocket(dir, "test.vp", "127.0.0.1:", this::diag);
        String id;
        int port;
        try {
            id = relay.masterId.get(10, TimeUnit.SECONDS);
            port = relay.serverSidePort.get(1, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return fail(label + ": no MASTER_ID seen by the relay: " + e + diag(), e);
        }
        List<String> json = json(pingAndDone(connect(sock), "127.0.0.1"), label + ".warts");
        String ping = E2e.assertOnePingReply(json, "127.0.0.1", this::diag);
        return new Observed(id, sock.getFileName().toString(), port, ping, listName(json));
    }
}
