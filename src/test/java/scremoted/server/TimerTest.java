package scremoted.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scremoted.testing.Await;
import scremoted.testing.Checks;
import scremoted.testing.RawPeer;
import scremoted.testing.SimScamper;
import scremoted.testing.TestServer;
import scremoted.testing.UnixClient;
import scremoted.wire.Control;
import scremoted.wire.Frame;

/**
 * PROTOCOL.md section 8 with shortened time: 1 protocol second = 50 ms, so keepalive after 1.5 s of send
 * silence, receive timeout 3 s, hello deadline 1.5 s.
 */
@Timeout(30)
class TimerTest {
    private static final Timing TIMING = new Timing(50);

    @TempDir
    Path dir;

    @Test
    void serverSendsKeepaliveAfterThirtySecondsOfSilence() throws IOException {
        try (TestServer ts = TestServer.start(dir, TIMING, null, 0)) {
            SimScamper sim = ts.sim("ka");
            sim.autoKeepalive(ts.seconds(10));
            sim.hello();
            UnixClient c = ts.client(sim);
            int ch = sim.awaitChannelNew();
            long t0 = sim.received().get(sim.received().size() - 1).nanos();
            Await.until("a KEEPALIVE from the server", ts.seconds(60), () -> sim.keepalivesReceived() >= 1);
            SimScamper.Received ka = sim.received().stream().filter(r -> isKeepalive(r.frame())).findFirst().orElseThrow();
            long after = (ka.nanos() - t0) / 1_000_000;
            assertTrue(after >= ts.ms(30) - 200, "KEEPALIVE only after 30 s of silence, came after " + after + " ms");
            assertTrue(after <= ts.ms(30) + 1000, "KEEPALIVE after 30 s of silence, came after " + after + " ms");
            assertEquals(1, ka.frame().seq(), "KEEPALIVE carries snd_nxt (CHANNEL_NEW took 0)");
            Await.until("a second KEEPALIVE", ts.seconds(60), () -> sim.keepalivesReceived() >= 2);
            UnixClient c2 = ts.client(sim);
            int ch2 = sim.awaitChannelNew();
            Frame news = sim.receivedFrames().stream()
                    .filter(f -> f.channel() == 0 && f.payload()[0] == Control.CHANNEL_NEW).toList().get(1);
            assertEquals(1, news.seq(), "KEEPALIVE did not consume a sequence number");
            assertTrue(ch2 > ch);

            // while the server keeps sending (ACKs), it sends no KEEPALIVE
            int before = sim.keepalivesReceived();
            long end = System.nanoTime() + ts.seconds(50).toNanos();
            while (System.nanoTime() < end) {
                sim.sendData(ch, "tick\n");
                Await.pause(ts.ms(5));
            }
            sim.awaitAllAcked();
            assertEquals(before, sim.keepalivesReceived(), "no KEEPALIVE while ACKs were being sent");
            sim.assertNoViolations();
            c.close();
            c2.close();
        }
    }

    @Test
    void silentMonitorIsDroppedAfterSixtySeconds() throws IOException {
        try (TestServer ts = TestServer.start(dir, TIMING, null, 0)) {
            SimScamper silent = ts.sim("silent");
            silent.autoKeepalive(null);
            SimScamper alive = ts.sim("alive");
            alive.autoKeepalive(ts.seconds(10));
            silent.hello();
            alive.hello();
            long t0 = System.nanoTime();
            Path silentSock = ts.socketPath(silent);
            UnixClient c = ts.client(silent);
            silent.awaitChannelNew(); // its automatic ACK is the last thing it sends
            Await.holds("silent monitor still connected at 45 s", ts.seconds(45), () -> !silent.closedByServer());
            silent.awaitClosedByServer(ts.seconds(60 + 30));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= ts.ms(60) - 200, "dropped after " + ms + " ms, expected about " + ts.ms(60));
            c.awaitEof(Checks.SHORT);
            Await.until("socket file removed", () -> !Files.exists(silentSock, LinkOption.NOFOLLOW_LINKS));
            ts.awaitSessions(1);
            assertFalse(alive.closedByServer(), "a monitor that sends KEEPALIVEs stays");
            Await.holds("the live monitor stays past 60 s", ts.seconds(20), () -> !alive.closedByServer());
            Checks.roundTrip(ts, alive);
            silent.assertNoViolations();
        }
    }

    /** With -Z > 0 a receive timeout makes a zombie (it is not a protocol error): resumable, client kept. */
    @Test
    void receiveTimeoutWithZombiesEnabledMakesAZombie() throws IOException {
        try (TestServer ts = TestServer.start(dir, TIMING, null, 200)) {
            SimScamper sim = ts.sim("sleepy");
            sim.autoKeepalive(null);
            sim.hello();
            Path sock = ts.socketPath(sim);
            UnixClient c = ts.client(sim);
            int ch = sim.awaitChannelNew();
            sim.awaitClosedByServer(ts.seconds(60 + 30));
            Await.until("socket file removed", () -> !Files.exists(sock, LinkOption.NOFOLLOW_LINKS));
            assertEquals(1, ts.server.sessionCount(), "a zombie, not destroyed");
            assertFalse(c.eof(), "client kept");
            sim.autoKeepalive(ts.seconds(10));
            assertEquals(SimScamper.ResumeResult.OK, sim.resume());
            Checks.exchange(sim, c, ch, "after");
        }
    }

    @Test
    void connectionThatSaysNothingIsClosedByTheHelloDeadline() throws IOException {
        try (TestServer ts = TestServer.start(dir, TIMING, null, 0)) {
            RawPeer p = ts.raw();
            p.awaitClosedByServer(ts.seconds(30 + 40));
            long ms = p.millisUntilClosed();
            assertTrue(ms >= ts.ms(30) - 200, "closed after " + ms + " ms, before the 30 s deadline");
            assertEquals(0, p.receivedBytes().length);
            assertEquals(0, ts.server.sessionCount());
            Checks.freshMonitorWorks(ts, "after");
        }
    }

    /** A trickle of bytes must not keep a connection in the hello state (the C version can be kept). */
    @Test
    void tricklingHelloIsClosedByTheHelloDeadline() throws IOException {
        try (TestServer ts = TestServer.start(dir, TIMING, null, 0)) {
            RawPeer p = ts.raw();
            p.write(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 8});
            long end = System.nanoTime() + ts.seconds(120).toNanos();
            while (!p.closedByServer() && System.nanoTime() < end) {
                Await.pause(ts.ms(0.5));
                p.write(new byte[] {1});
            }
            assertTrue(p.closedByServer(), "still open after 120 s of trickle");
            long ms = p.millisUntilClosed();
            assertTrue(ms <= ts.ms(30) + 1000, "closed only after " + ms + " ms; the hello deadline is 30 s");
            Checks.freshMonitorWorks(ts, "after");
        }
    }

    /** A monitor that completed its hello is not subject to the hello deadline. */
    @Test
    void establishedMonitorOutlivesTheHelloDeadline() throws IOException {
        try (TestServer ts = TestServer.start(dir, TIMING, null, 0)) {
            SimScamper sim = ts.sim("est");
            sim.autoKeepalive(ts.seconds(10));
            sim.hello();
            Await.holds("established monitor stays", ts.seconds(45), () -> !sim.closedByServer());
            Checks.roundTrip(ts, sim);
            assertEquals(List.of(), sim.violations());
        }
    }

    static boolean isKeepalive(Frame f) {
        return f.channel() == 0 && f.payload().length >= 1 && f.payload()[0] == Control.KEEPALIVE;
    }
}
