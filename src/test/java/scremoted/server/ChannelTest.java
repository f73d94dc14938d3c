package scremoted.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scremoted.testing.Await;
import scremoted.testing.Checks;
import scremoted.testing.SimScamper;
import scremoted.testing.TestServer;
import scremoted.testing.UnixClient;
import scremoted.wire.Control;
import scremoted.wire.Frame;
import scremoted.wire.Messages;

/** PROTOCOL.md section 6: channels, their ids, data both ways, half-close, FIN rules, unknown channels. */
@Timeout(60)
class ChannelTest {
    private static final Timing TIMING = new Timing(200);

    @TempDir
    Path dir;

    @Test
    void channelIdsCountFromOneAndAreNotReused() throws IOException {
        try (TestServer ts = TestServer.start(dir, TIMING, null, 0)) {
            SimScamper sim = ts.sim("ids");
            sim.hello();
            List<UnixClient> cs = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                cs.add(ts.client(sim));
                assertEquals(i, sim.awaitChannelNew(), "channel id of client " + i);
            }
            List<Frame> news = sim.receivedFrames().stream().filter(f -> f.channel() == 0 && f.payload()[0] == Control.CHANNEL_NEW).toList();
            assertEquals(List.of(0, 1, 2), news.stream().map(Frame::seq).toList(), "CHANNEL_NEW is reliable: seqs 0,1,2");
            cs.get(0).close();
            sim.awaitFin(1);
            sim.sendFin(1);
            sim.awaitAllAcked();
            ts.client(sim);
            assertEquals(4, sim.awaitChannelNew(), "ids are not reused");
            sim.assertNoViolations();
        }
    }

    @Test
    void largeMessagesAreSplitAndRelayedByteExact() throws IOException {
        try (TestServer ts = TestServer.start(dir, TIMING, null, 0)) {
            SimScamper sim = ts.sim("big");
            sim.hello();
            UnixClient c = ts.client(sim);
            c.startReading();
            int ch = sim.awaitChannelNew();
            byte[] down = Checks.bytes(200_000, 1);
            sim.sendData(ch, down);
            Checks.assertSameBytes(down, c.awaitBytes(down.length, Checks.SHORT), "scamper -> client");
            byte[] up = Checks.bytes(300_000, 2);
            c.write(up);
            Checks.assertSameBytes(up, sim.awaitData(ch, up.length), "client -> scamper");
            for (Frame f : sim.receivedFrames()) {
                assertTrue(f.payload().length >= 1 && f.payload().length <= 65535);
            }
            sim.awaitAllAcked();
            Await.pause(100);
            assertEquals(up.length, sim.dataCount(ch), "nothing duplicated");
            assertEquals(down.length, c.receivedCount(), "nothing duplicated");
            sim.assertNoViolations();
        }
    }

    /** Client shuts down writing: FIN at once; scamper's output keeps flowing; its FIN ends the client. */
    @Test
    void halfClose() throws IOException {
        try (TestServer ts = TestServer.start(dir, TIMING, null, 0)) {
            SimScamper sim = ts.sim("half");
            sim.hello();
            UnixClient c = ts.client(sim);
            int ch = sim.awaitChannelNew();
            c.write("ping -c 1 127.0.0.1\n");
            sim.awaitData(ch, 20);
            c.shutdownOutput();
            sim.awaitFin(ch, Duration.ofSeconds(1));
            c.startReading();
            StringBuilder expect = new StringBuilder();
            for (int i = 0; i < 5; i++) {
                String line = "DATA " + i + "\n";
                expect.append(line);
                sim.sendData(ch, line);
                Await.pause(30);
            }
            Checks.text(c.awaitBytes(expect.length(), Checks.SHORT));
            assertFalse(c.eof(), "client still open before scamper's FIN");
            sim.sendData(ch, "last\n");
            sim.sendFin(ch);
            assertEquals(expect + "last\n", Checks.text(c.readAllUntilEof(Checks.SHORT)));
            sim.awaitAllAcked();
            Await.pause(200);
            long finsFor = sim.receivedFrames().stream().filter(f -> isFin(f, ch)).count();
            assertEquals(1, finsFor, "exactly one FIN from the server for the channel");
            sim.assertNoViolations();
            Checks.roundTrip(ts, sim);
        }
    }

    /** After scamper's FIN (acknowledged), nothing more may be sent on that channel id, not even a FIN. */
    @Test
    void nothingOnAChannelAfterScampersFin() throws IOException {
        try (TestServer ts = TestServer.start(dir, TIMING, null, 0)) {
            SimScamper sim = ts.sim("finfirst");
            sim.hello();
            UnixClient c = ts.client(sim);
            c.startReading();
            int ch = sim.awaitChannelNew();
            sim.sendData(ch, "bye\n");
            sim.sendFin(ch);
            sim.awaitAllAcked();
            int framesBefore = sim.receivedFrames().size();
            try {
                c.write("more after fin\n");
            } catch (IOException e) {
                // the server may already have closed the client
            }
            assertEquals("bye\n", Checks.text(c.readAllUntilEof(Checks.SHORT)), "pending output then EOF");
            c.close();
            Await.pause(300);
            List<Frame> later = sim.receivedFrames().subList(framesBefore, sim.receivedFrames().size());
            assertTrue(later.stream().noneMatch(f -> f.channel() == ch || isFin(f, ch)),
                    "nothing on channel " + ch + " after scamper's FIN: " + later);
            sim.assertNoViolations();
            Checks.roundTrip(ts, sim);
        }
    }

    /** The same rule under a race: the client is writing hard while scamper ends the channel. */
    @Test
    void nothingAfterScampersFinWhileClientIsWriting() throws IOException {
        try (TestServer ts = TestServer.start(dir, TIMING, null, 0)) {
            SimScamper sim = ts.sim("finrace");
            sim.hello();
            for (int round = 0; round < 5; round++) {
                UnixClient c = ts.client(sim);
                int ch = sim.awaitChannelNew();
                Thread w = Thread.ofPlatform().daemon().start(() -> {
                    byte[] chunk = new byte[1000];
                    try {
                        for (int i = 0; i < 2000; i++) {
                            c.write(chunk);
                        }
                    } catch (IOException e) {
                        // closed by the server after scamper's FIN
                    }
                });
                sim.awaitData(ch, 20_000);
                sim.sendFin(ch);
                sim.awaitAllAcked();
                c.awaitEof(Checks.SHORT);
                c.close();
                try {
                    w.join(5000);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
            Await.pause(200);
            sim.assertNoViolations(); // the sim flags anything on a channel after the ACK of its FIN
            Checks.roundTrip(ts, sim);
        }
    }

    /** The client goes first: server FIN; scamper's late data for the channel is acknowledged and dropped. */
    @Test
    void clientClosesBeforeScamper() throws IOException {
        try (TestServer ts = TestServer.start(dir, TIMING, null, 0)) {
            SimScamper sim = ts.sim("clientfirst");
            sim.hello();
            UnixClient c = ts.client(sim);
            int ch = sim.awaitChannelNew();
            c.write("ping\n");
            sim.awaitData(ch, 5);
            c.close();
            sim.awaitFin(ch);
            sim.sendData(ch, "late answer\n");
            sim.sendData(ch, Checks.bytes(100_000, 3));
            sim.awaitAllAcked();
            sim.sendFin(ch);
            sim.awaitAllAcked();
            Await.pause(100);
            assertFalse(sim.closedByServer());
            sim.assertNoViolations();
            Checks.roundTrip(ts, sim);
        }
    }

    /** 2026 behaviour: data or FIN on a channel id the session does not know is acknowledged and dropped. */
    @Test
    void unknownChannelIsAcknowledgedAndDropped() throws IOException {
        try (TestServer ts = TestServer.start(dir, TIMING, null, 0)) {
            SimScamper sim = ts.sim("unknown");
            sim.hello();
            sim.sendData(77, "who?\n");
            sim.sendFin(78);
            sim.awaitAllAcked();
            assertEquals(List.of("0", "1"), sim.acksReceived());
            Checks.roundTrip(ts, sim);
            // channel 1 is now finished on both sides: it is unknown again
            sim.sendData(1, "stale\n");
            sim.sendFin(1);
            sim.awaitAllAcked();
            assertFalse(sim.closedByServer());
            sim.assertNoViolations();
            Checks.roundTrip(ts, sim);
        }
    }

    /** Several clients on one monitor, floods both ways at once, each byte-exact. */
    @Test
    void concurrentClientsFloodBothWays() throws Exception {
        int clients = 4;
        int size = 1 << 20;
        try (TestServer ts = TestServer.start(dir, TIMING, null, 0)) {
            SimScamper sim = ts.sim("flood");
            sim.hello();
            UnixClient[] c = new UnixClient[clients];
            int[] ch = new int[clients];
            byte[][] up = new byte[clients][];
            byte[][] down = new byte[clients][];
            for (int i = 0; i < clients; i++) {
                c[i] = ts.client(sim);
                ch[i] = sim.awaitChannelNew();
                c[i].startReading();
                up[i] = Checks.bytes(size, 100 + i);
                down[i] = Checks.bytes(size, 200 + i);
            }
            List<Thread> writers = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                writers.add(c[i].writeInBackground(up[i]));
            }
            int chunk = 20_000;
            for (int off = 0; off < size; off += chunk) {
                for (int i = 0; i < clients; i++) {
                    int len = Math.min(chunk, size - off);
                    byte[] part = java.util.Arrays.copyOfRange(down[i], off, off + len);
                    sim.sendData(ch[i], part);
                }
            }
            for (int i = 0; i < clients; i++) {
                Checks.assertSameBytes(up[i], sim.awaitData(ch[i], size, Duration.ofSeconds(30)), "client " + i + " -> scamper");
                Checks.assertSameBytes(down[i], c[i].awaitBytes(size, Duration.ofSeconds(30)), "scamper -> client " + i);
            }
            for (Thread w : writers) {
                w.join(5000);
            }
            for (int i = 0; i < clients; i++) {
                c[i].shutdownOutput();
                sim.awaitFin(ch[i]);
                sim.sendFin(ch[i]);
                c[i].awaitEof(Checks.SHORT);
                assertEquals(size, c[i].receivedCount(), "client " + i + " received nothing extra");
            }
            sim.awaitAllAcked();
            sim.assertNoViolations();
        }
    }

    static boolean isFin(Frame f, int ch) {
        if (f.channel() != 0 || f.payload().length != 5 || f.payload()[0] != Control.CHANNEL_FIN) {
            return false;
        }
        try {
            return Messages.decode(f) instanceof Control.ChannelFin fin && fin.channel() == ch;
        } catch (Exception e) {
            return false;
        }
    }
}
