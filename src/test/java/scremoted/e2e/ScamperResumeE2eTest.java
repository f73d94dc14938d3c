package scremoted.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Resumption with the real peer, in real time: scamper's connection is cut by a relay; scamper
 * reconnects by itself 30 to 61 s later with MASTER_RES, and a client that stayed connected through
 * the outage gets the answer to a command it sent during the outage, then works as before.
 * This test takes up to about 70 s.
 */
class ScamperResumeE2eTest extends E2eBase {

    @Test
    @Timeout(150)
    void clientSurvivesACutAndItsCommandIsAnsweredAfterTheResume() throws Exception {
        Path dir = dir("u");
        Backend.Java server = Backend.Java.startWithZ(dir, 300);
        backends.add(server);
        CuttingRelay relay = new CuttingRelay(server.port());
        others.add(relay);
        scamper(relay.remote(), "resume.vp");
        Path before = E2e.awaitSocket(dir, "resume.vp", "127.0.0.1:", this::diag);

        ControlClient client = connect(before);
        client.send("ping -c 1 127.0.0.1");
        client.awaitLine(OK_ID, Duration.ofSeconds(10));
        client.awaitRecord(E2e.WARTS_PING, Duration.ofSeconds(15));
        int pingsBefore = pings(client);

        relay.cut();
        assertTrue(E2e.poll(Duration.ofSeconds(10), () -> !Files.exists(before)),
                "the socket file stays while the monitor is a zombie" + diag());
        assertEquals(1, server.server.sessionCount(), "the zombie is kept" + diag());
        assertFalse(client.atEof(), "the client was disconnected by the cut" + diag());

        client.send("ping -c 1 127.0.0.1");

        Path after = E2e.awaitSocketPrefix(dir, "resume.vp-127.0.0.1:", this::diag, Duration.ofSeconds(90));
        assertNotEquals(before, after, "the socket is named after the new connection" + diag());
        assertEquals(2, relay.connections.get(), "scamper came back on a second connection" + diag());
        assertEquals(1, server.server.sessionCount(), "resumed, not a new session" + diag());

        client.awaitLine(OK_ID, Duration.ofSeconds(20));
        client.awaitRecords(E2e.WARTS_PING, pingsBefore + 1, Duration.ofSeconds(20));

        client.send("ping -c 1 127.0.0.1");
        client.awaitLine(OK_ID, Duration.ofSeconds(20));
        client.awaitRecords(E2e.WARTS_PING, pingsBefore + 2, Duration.ofSeconds(20));
        client.send("done");
        client.readToEof(Duration.ofSeconds(10));
    }

    private static int pings(ControlClient client) {
        return (int) E2e.wartsTypes(client.warts()).stream().filter(t -> t == E2e.WARTS_PING).count();
    }
}
