package scremoted.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
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
import scremoted.testing.SimScamper;
import scremoted.testing.SimScamper.Mode;
import scremoted.testing.SimScamper.ResumeResult;
import scremoted.testing.TestServer;
import scremoted.testing.UnixClient;
import scremoted.wire.Control;
import scremoted.wire.Frame;
import scremoted.wire.Messages;

/**
 * PROTOCOL.md sections 7 and 14: zombies, MASTER_RES / MASTER_OK / MASTER_REJ, retransmission with the
 * original sequence numbers, cuts at awkward moments, zombie expiry, take-over, duplicate magic.
 * 1 protocol second = 50 ms; -Z 100 (5 s) unless a test says otherwise.
 */
@Timeout(60)
class ResumeTest {
    private static final Timing TIMING = new Timing(50);
    private static final int Z = 100;

    @TempDir
    Path dir;

    private static Path cutAndAwaitZombie(TestServer ts, SimScamper sim) {
        Path old = ts.socketPath(sim);
        int sessions = ts.server.sessionCount();
        sim.cut();
        Await.until("socket file of the zombie removed", () -> !Files.exists(old, LinkOption.NOFOLLOW_LINKS));
        assertEquals(sessions, ts.server.sessionCount(), "the zombie is still counted");
        return old;
    }

    private static int masterOkRcvNxt(SimScamper sim) throws Exception {
        List<Frame> fs = sim.receivedFrames();
        for (int i = fs.size() - 1; i >= 0; i--) {
            Frame f = fs.get(i);
            if (f.channel() == 0 && f.payload()[0] == Control.MASTER_OK) {
                return ((Control.MasterOk) Messages.decode(f)).rcvNxt();
            }
        }
        throw new AssertionError("no MASTER_OK");
    }

    @Test
    void resumeKeepsClientsAndDeliversWhatTheySentMeanwhile() throws Exception {
        try (TestServer ts = TestServer.start(dir, TIMING, null, Z)) {
            SimScamper sim = ts.sim("mon");
            sim.hello();
            UnixClient c = ts.client(sim);
            int ch = sim.awaitChannelNew();
            Checks.exchange(sim, c, ch, "before");
            int oldPort = sim.localPort();
            int ourSndNxt = sim.sndNxt();
            int had = sim.dataCount(ch);
            Path old = cutAndAwaitZombie(ts, sim);
            Await.holds("client stays connected to the zombie", Duration.ofMillis(300), () -> !c.eof());
            assertThrows(IOException.class, () -> UnixClient.connect(old).close(), "no new clients while a zombie");
            c.write("during zombie\n");
            Await.pause(100);

            assertEquals(ResumeResult.OK, sim.resume());
            assertEquals(ourSndNxt, masterOkRcvNxt(sim), "MASTER_OK carries the server's rcv_nxt");
            byte[] all = sim.awaitData(ch, had + 14);
            assertEquals("during zombie\n", new String(all, had, 14), "queued client data delivered after resume");
            Path fresh = ts.socketPath(sim);
            assertNotEquals(oldPort, sim.localPort());
            Await.until("socket file under the new address " + fresh, () -> Files.exists(fresh, LinkOption.NOFOLLOW_LINKS));
            assertFalse(Files.exists(old, LinkOption.NOFOLLOW_LINKS));
            Checks.exchange(sim, c, ch, "after");
            Checks.roundTrip(ts, sim);
            assertEquals(1, ts.server.sessionCount());
            sim.assertNoViolations();
        }
    }

    /** Frames lost with the connection are retransmitted after MASTER_OK, original seqs, in order, once. */
    @Test
    void lostFramesAreRetransmittedWithOriginalSequenceNumbers() throws Exception {
        try (TestServer ts = TestServer.start(dir, TIMING, null, Z)) {
            SimScamper sim = ts.sim("retx");
            sim.hello();
            UnixClient c = ts.client(sim);
            int ch = sim.awaitChannelNew();
            sim.awaitAllAcked();
            sim.mode(Mode.DISCARD);
            int rcv = sim.rcvNxt();
            ByteArrayOutputStream sent = new ByteArrayOutputStream();
            for (int i = 0; i < 10; i++) {
                byte[] m = ("message " + i + "\n").getBytes();
                sent.writeBytes(m);
                c.write(m);
                int n = i + 1;
                Await.until("frame " + n + " sent", () -> sim.discarded().size() >= n);
            }
            List<Frame> lost = sim.discarded();
            cutAndAwaitZombie(ts, sim);
            sim.mode(Mode.ACK);
            int before = sim.receivedFrames().size();
            assertEquals(ResumeResult.OK, sim.resume());
            assertEquals(0, masterOkRcvNxt(sim), "nothing from us was outstanding");
            Checks.assertSameBytes(sent.toByteArray(), sim.awaitData(ch, sent.size()), "retransmitted data");
            List<Frame> after = sim.receivedFrames().subList(before + 1, sim.receivedFrames().size()).stream()
                    .filter(f -> f.channel() == ch).toList();
            assertEquals(lost.size(), after.size(), "each lost frame retransmitted once");
            for (int i = 0; i < lost.size(); i++) {
                assertEquals(rcv + i, after.get(i).seq(), "original sequence of retransmission " + i);
                assertEquals(Checks.text(lost.get(i).encode()), Checks.text(after.get(i).encode()), "identical frame " + i);
            }
            Await.pause(200);
            assertEquals(sent.size(), sim.dataCount(ch), "no duplicates");
            sim.assertNoViolations();
            Checks.exchange(sim, c, ch, "after");
        }
    }

    /** scamper got the first few lost frames (unacknowledged), not the rest: MASTER_RES's rcv_nxt points into
     *  the middle of the server's queue; the server resends from there on. */
    @Test
    void resumeFromTheMiddleOfTheQueue() throws Exception {
        try (TestServer ts = TestServer.start(dir, TIMING, null, Z)) {
            SimScamper sim = ts.sim("middle");
            sim.hello();
            UnixClient c = ts.client(sim);
            int ch = sim.awaitChannelNew();
            sim.awaitAllAcked();
            sim.mode(Mode.NOACK);
            ByteArrayOutputStream sent = new ByteArrayOutputStream();
            for (int i = 0; i < 8; i++) {
                if (i == 3) {
                    sim.mode(Mode.DISCARD);
                }
                byte[] m = ("part " + i + "\n").getBytes();
                sent.writeBytes(m);
                c.write(m);
                int n = i + 1;
                Await.until("frame " + n, () -> sim.dataCount(ch) + sim.discarded().size() * 7 >= n * 7);
            }
            int rcv = sim.rcvNxt();
            cutAndAwaitZombie(ts, sim);
            sim.mode(Mode.ACK);
            int before = sim.receivedFrames().size();
            assertEquals(ResumeResult.OK, sim.resume());
            Checks.assertSameBytes(sent.toByteArray(), sim.awaitData(ch, sent.size()), "each part once, in order");
            List<Frame> after = sim.receivedFrames().subList(before + 1, sim.receivedFrames().size()).stream()
                    .filter(f -> f.channel() == ch).toList();
            assertEquals(5, after.size(), "only the five scamper lacked were resent");
            assertEquals(rcv, after.get(0).seq(), "resent from scamper's rcv_nxt");
            Await.pause(200);
            assertEquals(sent.size(), sim.dataCount(ch));
            sim.assertNoViolations();
        }
    }

    /** A client that leaves during the zombie period: its FIN is queued and sent after the resume. */
    @Test
    void clientLeavingDuringZombieGetsItsFinAfterResume() throws Exception {
        try (TestServer ts = TestServer.start(dir, TIMING, null, Z)) {
            SimScamper sim = ts.sim("leaver");
            sim.hello();
            UnixClient c = ts.client(sim);
            int ch = sim.awaitChannelNew();
            sim.awaitAllAcked();
            cutAndAwaitZombie(ts, sim);
            c.write("last words\n");
            c.close();
            Await.pause(100);
            assertEquals(ResumeResult.OK, sim.resume());
            assertEquals("last words\n", Checks.text(sim.awaitData(ch, 11)));
            sim.awaitFin(ch);
            sim.sendFin(ch);
            sim.awaitAllAcked();
            sim.assertNoViolations();
            Checks.roundTrip(ts, sim);
        }
    }

    /** What scamper received but did not acknowledge before the cut is dropped from the queue, not resent. */
    @Test
    void receivedButUnacknowledgedIsNotResent() throws Exception {
        try (TestServer ts = TestServer.start(dir, TIMING, null, Z)) {
            SimScamper sim = ts.sim("noresend");
            sim.hello();
            UnixClient c = ts.client(sim);
            int ch = sim.awaitChannelNew();
            sim.awaitAllAcked();
            sim.mode(Mode.NOACK);
            c.write("one\n");
            sim.awaitData(ch, 4);
            c.write("two\n");
            sim.awaitData(ch, 8);
            cutAndAwaitZombie(ts, sim);
            sim.mode(Mode.ACK);
            assertEquals(ResumeResult.OK, sim.resume());
            Await.pause(300);
            assertEquals("one\ntwo\n", Checks.text(sim.dataOn(ch)), "nothing resent");
            sim.assertNoViolations();
            Checks.exchange(sim, c, ch, "after");
        }
    }

    /** scamper's own unacknowledged messages: it retransmits those MASTER_OK says the server lacks. */
    @Test
    void scamperRetransmitsWhatTheServerLacks() throws Exception {
        try (TestServer ts = TestServer.start(dir, TIMING, null, Z)) {
            SimScamper sim = ts.sim("scretx");
            sim.hello();
            UnixClient c = ts.client(sim);
            c.startReading();
            int ch = sim.awaitChannelNew();
            sim.awaitAllAcked();
            sim.sendData(ch, "arrived\n");
            Await.until("server has the first", () -> c.receivedCount() >= 8);
            sim.mode(Mode.DISCARD); // its ACK is "lost"
            Await.pause(100);
            sim.holdWrites(true);
            sim.sendData(ch, "lost\n"); // never leaves
            int sndNxt = sim.sndNxt();
            cutAndAwaitZombie(ts, sim);
            sim.mode(Mode.ACK);
            assertEquals(ResumeResult.OK, sim.resume());
            assertEquals(sndNxt - 1, masterOkRcvNxt(sim), "server has everything but the last");
            assertEquals("arrived\nlost\n", Checks.text(c.awaitBytes(13, Checks.SHORT)));
            sim.awaitAllAcked();
            Await.pause(200);
            assertEquals(13, c.receivedCount(), "no duplicate delivery");
            sim.assertNoViolations();
        }
    }

    @Test
    void floodToClientCutMidwayAndResumed() throws Exception {
        try (TestServer ts = TestServer.start(dir, TIMING, null, Z)) {
            SimScamper sim = ts.sim("flooddown");
            sim.hello();
            UnixClient c = ts.client(sim);
            c.startReading();
            int ch = sim.awaitChannelNew();
            sim.awaitAllAcked();
            byte[] data = Checks.bytes(3 << 20, 31);
            sim.cutAfterFrames(120);
            sim.sendData(ch, data, 8192);
            sim.awaitDisconnected();
            assertTrue(sim.unackedCount() > 0, "cut while messages were outstanding");
            Await.pause(50);
            assertEquals(ResumeResult.OK, sim.resume());
            Checks.assertSameBytes(data, c.awaitBytes(data.length, Duration.ofSeconds(20)), "scamper -> client across the cut");
            sim.awaitAllAcked();
            Await.pause(200);
            assertEquals(data.length, c.receivedCount(), "no duplicates");
            sim.assertNoViolations();
        }
    }

    @Test
    void floodFromClientCutMidwayAndResumed() throws Exception {
        try (TestServer ts = TestServer.start(dir, TIMING, null, Z)) {
            SimScamper sim = ts.sim("floodup");
            sim.hello();
            UnixClient c = ts.client(sim);
            int ch = sim.awaitChannelNew();
            sim.awaitAllAcked();
            byte[] data = Checks.bytes(3 << 20, 32);
            sim.cutAfterFrames(40);
            Thread w = c.writeInBackground(data);
            sim.awaitDisconnected();
            Await.pause(100);
            assertEquals(ResumeResult.OK, sim.resume());
            Checks.assertSameBytes(data, sim.awaitData(ch, data.length, Duration.ofSeconds(20)), "client -> scamper across the cut");
            w.join(5000);
            Await.pause(200);
            assertEquals(data.length, sim.dataCount(ch), "no duplicates");
            sim.assertNoViolations();
        }
    }

    /** Echo both ways with two cuts; the second cut lands right after the resume, amid retransmission. */
    @Test
    void echoFloodWithTwoCuts() throws Exception {
        try (TestServer ts = TestServer.start(dir, TIMING, null, Z)) {
            SimScamper sim = ts.sim("echo");
            sim.hello();
            sim.echo(true);
            UnixClient c = ts.client(sim);
            c.startReading();
            int ch = sim.awaitChannelNew();
            byte[] data = Checks.bytes(2 << 20, 33);
            sim.cutAfterFrames(60);
            Thread w = c.writeInBackground(data);
            sim.awaitDisconnected();
            sim.cutAfterFrames(3);
            assertEquals(ResumeResult.OK, sim.resume());
            sim.awaitDisconnected();
            assertEquals(ResumeResult.OK, sim.resume());
            Checks.assertSameBytes(data, sim.awaitData(ch, data.length, Duration.ofSeconds(20)), "client -> scamper");
            Checks.assertSameBytes(data, c.awaitBytes(data.length, Duration.ofSeconds(20)), "echo back to the client");
            w.join(5000);
            sim.awaitAllAcked();
            Await.pause(200);
            assertEquals(data.length, c.receivedCount(), "no duplicates");
            sim.assertNoViolations();
        }
    }

    /** Several retransmitted frames, the connection cut after the first few of them, resumed again. */
    @Test
    void secondCutDuringRetransmission() throws Exception {
        try (TestServer ts = TestServer.start(dir, TIMING, null, Z)) {
            SimScamper sim = ts.sim("twice");
            sim.hello();
            UnixClient c = ts.client(sim);
            int ch = sim.awaitChannelNew();
            sim.awaitAllAcked();
            sim.mode(Mode.DISCARD);
            ByteArrayOutputStream sent = new ByteArrayOutputStream();
            for (int i = 0; i < 20; i++) {
                byte[] m = ("line " + i + " " + "x".repeat(i * 10) + "\n").getBytes();
                sent.writeBytes(m);
                c.write(m);
                int n = i + 1;
                Await.until("frame " + n, () -> sim.discarded().size() >= n);
            }
            cutAndAwaitZombie(ts, sim);
            sim.mode(Mode.ACK);
            sim.cutAfterFrames(5);
            assertEquals(ResumeResult.OK, sim.resume());
            sim.awaitDisconnected();
            assertEquals(5, sim.dataOn(ch).length > 0 ? countLines(sim.dataOn(ch)) : 0, "five retransmitted before the cut");
            assertEquals(ResumeResult.OK, sim.resume());
            Checks.assertSameBytes(sent.toByteArray(), sim.awaitData(ch, sent.size()), "all lines, once, in order");
            Await.pause(200);
            assertEquals(sent.size(), sim.dataCount(ch));
            sim.assertNoViolations();
            Checks.exchange(sim, c, ch, "after");
        }
    }

    @Test
    void cutAfterChannelNewBeforeItsAck() throws Exception {
        try (TestServer ts = TestServer.start(dir, TIMING, null, Z)) {
            // received but not acknowledged: not resent
            SimScamper a = ts.sim("cnnoack");
            a.hello();
            a.mode(Mode.NOACK);
            UnixClient ca = ts.client(a);
            int cha = a.awaitChannelNew();
            cutAndAwaitZombie(ts, a);
            a.mode(Mode.ACK);
            assertEquals(ResumeResult.OK, a.resume());
            Checks.exchange(a, ca, cha, "a");
            assertEquals(1, a.channelsNew().size());

            // lost on the way: resent with its original sequence number
            SimScamper b = ts.sim("cnlost");
            b.hello();
            b.mode(Mode.DISCARD);
            UnixClient cb = ts.client(b);
            Await.until("CHANNEL_NEW sent", () -> b.discarded().size() >= 1);
            cutAndAwaitZombie(ts, b);
            b.mode(Mode.ACK);
            assertEquals(ResumeResult.OK, b.resume());
            int chb = b.awaitChannelNew();
            assertEquals(1, chb);
            Checks.exchange(b, cb, chb, "b");
            a.assertNoViolations();
            b.assertNoViolations();
        }
    }

    @Test
    void cutBetweenScampersFinAndItsAck() throws Exception {
        try (TestServer ts = TestServer.start(dir, TIMING, null, Z)) {
            // the server has the FIN; its ACK is lost
            SimScamper a = ts.sim("finacklost");
            a.hello();
            UnixClient ca = ts.client(a);
            ca.startReading();
            int cha = a.awaitChannelNew();
            a.awaitAllAcked();
            a.mode(Mode.DISCARD);
            a.sendData(cha, "bye\n");
            a.sendFin(cha);
            assertEquals("bye\n", Checks.text(ca.readAllUntilEof(Checks.SHORT)));
            cutAndAwaitZombie(ts, a);
            a.mode(Mode.ACK);
            assertEquals(ResumeResult.OK, a.resume());
            assertEquals(a.sndNxt(), masterOkRcvNxt(a));
            assertEquals(0, a.unackedCount(), "nothing to retransmit");
            Checks.roundTrip(ts, a);
            a.assertNoViolations();

            // the FIN never left: retransmitted after MASTER_OK
            SimScamper b = ts.sim("finlost");
            b.hello();
            UnixClient cb = ts.client(b);
            cb.startReading();
            int chb = b.awaitChannelNew();
            b.awaitAllAcked();
            b.holdWrites(true);
            b.sendData(chb, "bye\n");
            b.sendFin(chb);
            cutAndAwaitZombie(ts, b);
            assertEquals(ResumeResult.OK, b.resume());
            assertEquals("bye\n", Checks.text(cb.readAllUntilEof(Checks.SHORT)));
            b.awaitAllAcked();
            Checks.roundTrip(ts, b);
            b.assertNoViolations();
        }
    }

    @Test
    void cutBetweenServersFinAndItsAck() throws Exception {
        try (TestServer ts = TestServer.start(dir, TIMING, null, Z)) {
            for (Mode lossMode : new Mode[] {Mode.NOACK, Mode.DISCARD}) {
                SimScamper sim = ts.sim("sfin" + lossMode.name().toLowerCase());
                sim.hello();
                UnixClient c = ts.client(sim);
                int ch = sim.awaitChannelNew();
                sim.awaitAllAcked();
                sim.mode(lossMode);
                c.shutdownOutput();
                Await.until("server FIN sent", () -> sim.receivedFrames().stream().anyMatch(f -> ChannelTest.isFin(f, ch)));
                cutAndAwaitZombie(ts, sim);
                sim.mode(Mode.ACK);
                assertEquals(ResumeResult.OK, sim.resume());
                sim.awaitFin(ch); // the sim flags a second FIN as a violation
                sim.sendData(ch, "result\n");
                sim.sendFin(ch);
                assertEquals("result\n", Checks.text(c.readAllUntilEof(Checks.SHORT)));
                sim.awaitAllAcked();
                Await.pause(100);
                sim.assertNoViolations();
            }
        }
    }

    /**
     * Section 14: the client leaves at the moment scamper finishes the channel; both FINs cross. scamper
     * drops the connection on the FIN for a channel it forgot (modelled: it never processes that frame)
     * and resumes; the server must survive and the resume must succeed.
     */
    @Test
    void crossingFinsThenScamperDropsAndResumes() throws Exception {
        try (TestServer ts = TestServer.start(dir, TIMING, null, Z)) {
            SimScamper sim = ts.sim("crossing");
            sim.hello();
            UnixClient c = ts.client(sim);
            int ch = sim.awaitChannelNew();
            sim.awaitAllAcked();
            sim.holdWrites(true);
            sim.mode(Mode.DISCARD);
            sim.sendFin(ch); // still in scamper's buffer
            c.close();
            Await.until("server FIN for the channel on the wire",
                    () -> sim.discarded().stream().anyMatch(f -> ChannelTest.isFin(f, ch)));
            cutAndAwaitZombie(ts, sim);
            sim.mode(Mode.ACK);
            assertEquals(ResumeResult.OK, sim.resume());
            sim.awaitAllAcked(); // our FIN went out after MASTER_OK and was acknowledged
            Checks.roundTrip(ts, sim);
            sim.assertNoViolations();
        }
    }

    // ------------------------------------------------------------------ rejections

    @Test
    void unknownMagicIsRejected() throws IOException {
        try (TestServer ts = TestServer.start(dir, TIMING, null, Z)) {
            SimScamper stranger = ts.sim("stranger");
            assertEquals(ResumeResult.REJECTED, stranger.resume(0, 0, 0, false));
            assertEquals(0, ts.server.sessionCount());
            Checks.freshMonitorWorks(ts, "after");
        }
    }

    @Test
    void resumeWithImpossibleRcvNxtIsRejected() throws IOException {
        try (TestServer ts = TestServer.start(dir, TIMING, null, Z)) {
            int[] offsets = {+5, -1};
            for (int off : offsets) {
                SimScamper sim = ts.sim("rcv" + (off > 0 ? "ahead" : "behind"));
                sim.hello();
                Checks.roundTrip(ts, sim); // server snd_nxt 3, all acknowledged
                cutAndAwaitZombie(ts, sim);
                int una = sim.sndNxt();
                assertEquals(ResumeResult.REJECTED, sim.resume(sim.rcvNxt() + off, una, una, false),
                        "rcv_nxt " + (sim.rcvNxt() + off) + " is neither the server's snd_nxt nor queued");
            }
            Checks.freshMonitorWorks(ts, "after");
        }
    }

    @Test
    void resumeWithServersRcvNxtOutsideOurWindowIsRejected() throws IOException {
        try (TestServer ts = TestServer.start(dir, TIMING, null, Z)) {
            int[][] windows = {{+2, +4}, {-3, -1}};
            for (int[] w : windows) {
                SimScamper sim = ts.sim("win" + (w[0] > 0 ? "ahead" : "behind"));
                sim.hello();
                Checks.roundTrip(ts, sim); // server rcv_nxt == our snd_nxt
                cutAndAwaitZombie(ts, sim);
                int n = sim.sndNxt();
                assertEquals(ResumeResult.REJECTED, sim.resume(sim.rcvNxt(), n + w[0], n + w[1], false),
                        "server rcv_nxt " + n + " outside [" + (n + w[0]) + ", " + (n + w[1]) + "]");
            }
            Checks.freshMonitorWorks(ts, "after");
        }
    }

    @Test
    void withoutZombiesEveryResumeIsRejected() throws IOException {
        try (TestServer ts = TestServer.start(dir, TIMING, null, 0)) {
            SimScamper sim = ts.sim("nozombie");
            sim.hello();
            Path sock = ts.socketPath(sim);
            UnixClient c = ts.client(sim);
            sim.awaitChannelNew();
            sim.cut();
            c.awaitEof(Checks.SHORT);
            Await.until("socket removed", () -> !Files.exists(sock, LinkOption.NOFOLLOW_LINKS));
            ts.awaitSessions(0);
            assertEquals(ResumeResult.REJECTED, sim.resume());
            Checks.freshMonitorWorks(ts, "after");
        }
    }

    @Test
    void zombieExpires() throws IOException {
        int z = 20; // 1 s
        try (TestServer ts = TestServer.start(dir, TIMING, null, z)) {
            SimScamper sim = ts.sim("expiring");
            sim.hello();
            UnixClient c = ts.client(sim);
            sim.awaitChannelNew();
            long t0 = System.nanoTime();
            cutAndAwaitZombie(ts, sim);
            Await.holds("zombie kept for -Z seconds", ts.seconds(z * 0.6), () -> ts.server.sessionCount() == 1 && !c.eof());
            Await.until("zombie expired", ts.seconds(z).plusSeconds(3), () -> ts.server.sessionCount() == 0);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= ts.ms(z) - 100, "expired after " + ms + " ms");
            c.awaitEof(Checks.SHORT);
            assertEquals(List.of(), ts.dirEntries());
            assertEquals(ResumeResult.REJECTED, sim.resume());
            Checks.freshMonitorWorks(ts, "after");
        }
    }

    @Test
    void resumeWhileOldConnectionIsOpenTakesOver() throws Exception {
        try (TestServer ts = TestServer.start(dir, TIMING, null, Z)) {
            SimScamper sim = ts.sim("takeover");
            sim.hello();
            UnixClient c = ts.client(sim);
            int ch = sim.awaitChannelNew();
            Checks.exchange(sim, c, ch, "before");
            Path old = ts.socketPath(sim);
            assertEquals(ResumeResult.OK, sim.resumeKeepingOld());
            Await.until("server closing the replaced connection", sim::previousClosedByServer);
            Path fresh = ts.socketPath(sim);
            Await.until("socket under the new address", () -> Files.exists(fresh, LinkOption.NOFOLLOW_LINKS));
            Await.until("old socket removed", () -> !Files.exists(old, LinkOption.NOFOLLOW_LINKS));
            assertEquals(1, ts.server.sessionCount());
            Checks.exchange(sim, c, ch, "after");
            Checks.roundTrip(ts, sim);
            sim.assertNoViolations();
        }
    }

    /** Section 14: scamper 20211212 reuses its magic after a rejected resume. */
    @Test
    void duplicateMagicOfAZombieWithTheSameNameRetiresTheZombie() throws IOException {
        try (TestServer ts = TestServer.start(dir, TIMING, null, Z)) {
            SimScamper first = ts.sim("same");
            first.hello();
            UnixClient c = ts.client(first);
            first.awaitChannelNew();
            cutAndAwaitZombie(ts, first);
            SimScamper again = ts.sim(first.magic(), "same");
            again.hello();
            c.awaitEof(Checks.SHORT);
            ts.awaitSessions(1);
            assertEquals(List.of(ts.socketPath(again).getFileName().toString()), ts.dirEntries());
            Checks.roundTrip(ts, again);
            assertEquals(1, again.channelsNew().get(0), "a new session: channel ids start at 1 again");
        }
    }

    @Test
    void duplicateMagicOfAZombieWithAnotherNameIsRejected() throws IOException {
        try (TestServer ts = TestServer.start(dir, TIMING, null, Z)) {
            SimScamper first = ts.sim("owner");
            first.hello();
            UnixClient c = ts.client(first);
            int ch = first.awaitChannelNew();
            cutAndAwaitZombie(ts, first);
            SimScamper other = ts.sim(first.magic(), "intruder");
            assertThrows(SimScamper.ClosedByServer.class, other::hello);
            assertFalse(c.eof(), "the zombie's client is still connected");
            assertEquals(1, ts.server.sessionCount());
            assertEquals(ResumeResult.OK, first.resume());
            Checks.exchange(first, c, ch, "after");
        }
    }

    @Test
    void protocolErrorLeavesNoZombie() throws IOException {
        try (TestServer ts = TestServer.start(dir, TIMING, null, Z)) {
            SimScamper sim = ts.sim("broken");
            sim.hello();
            Path sock = ts.socketPath(sim);
            UnixClient c = ts.client(sim);
            sim.awaitChannelNew();
            sim.awaitAllAcked();
            sim.sendFrame(sim.sndNxt(), 0, new byte[] {9});
            sim.awaitClosedByServer(Checks.SHORT);
            c.awaitEof(Checks.SHORT);
            Await.until("socket removed", () -> !Files.exists(sock, LinkOption.NOFOLLOW_LINKS));
            ts.awaitSessions(0);
            assertEquals(ResumeResult.REJECTED, sim.resume());
        }
    }

    private static int countLines(byte[] b) {
        int n = 0;
        for (byte x : b) {
            if (x == '\n') {
                n++;
            }
        }
        return n;
    }
}
