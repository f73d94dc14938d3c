package scremoted.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
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

/**
 * PROTOCOL.md section 3: sequence numbers and acknowledgements, checked frame by frame against the
 * reference exchange recorded between real scamper and the C sc_remoted (captures/scamper-20211212.txt).
 */
@Timeout(30)
class SequenceTest {
    /** conn1 of the capture from the first client to the second channel's end; S>R scamper to remoted. */
    private static final String CAPTURE = """
            R>S CHANNEL_NEW 000000000000000000050200000001
            R>S DATA        0000000100000001001470696e67202d632031203132372e302e302e310a
            S>R ACK         000000000000000000050500000000
            S>R ACK         000000000000000000050500000001
            S>R DATA        000000000000000100084f4b2069642d310a
            S>R DATA        000000010000000100054d4f52450a
            S>R DATA        00000002000000010008444154412036340a
            S>R DATA        000000030000000100404c2440346060306060602230606060602160606060602324522d5258502b43604e2c3348542d4344562c455c506060286021562d413c2259563c6060600a600a
            S>R DATA        00000004000000010008444154412034340a
            S>R DATA        0000000500000001002c3e2440346060406060602138606060602160606060603060606060254b24514c5e604060233d4654600a600a
            R>S ACK         000000020000000000050500000000
            R>S ACK         000000020000000000050500000001
            R>S ACK         000000020000000000050500000002
            R>S ACK         000000020000000000050500000003
            R>S ACK         000000020000000000050500000004
            R>S ACK         000000020000000000050500000005
            S>R DATA        0000000600000001000944415441203133360a
            S>R DATA        000000070000000100884d244034602150606060253b535f2634602a30606060602460606060213a512c3b2f40602f2f33602160606021602530213060606060602450233030210a4d3f50606060306060606060606060275e44502c6028303d60602530606060606060605c60602b362f4826606060606060606060606060214b24514c5e0a2460605c5d505060600a600a
            R>S ACK         000000020000000000050500000006
            R>S ACK         000000020000000000050500000007
            R>S DATA        00000002000000010005646f6e650a
            S>R ACK         000000080000000000050500000002
            S>R DATA        000000080000000100034f4b0a
            S>R DATA        00000009000000010008444154412032380a
            S>R DATA        0000000a00000001001c31244034602160606060604460606060213a512c3b304060600a600a
            S>R CHANNEL_FIN 0000000b0000000000050300000001
            R>S ACK         000000030000000000050500000008
            R>S ACK         000000030000000000050500000009
            R>S ACK         00000003000000000005050000000a
            R>S ACK         00000003000000000005050000000b
            R>S CHANNEL_NEW 000000030000000000050200000002
            R>S DATA        0000000400000002001470696e67202d632031203132372e302e302e310a
            S>R ACK         0000000c0000000000050500000003
            S>R ACK         0000000c0000000000050500000004
            S>R DATA        0000000c0000000200084f4b2069642d310a
            S>R DATA        0000000d0000000200054d4f52450a
            S>R DATA        0000000e000000020008444154412036340a
            S>R DATA        0000000f0000000200404c2440346060306060602230606060602160606060602324522d5258502b43604e2c3348542d4344562c455c516060286021562d413c2259563c6060600a600a
            S>R DATA        00000010000000020008444154412034340a
            S>R DATA        0000001100000002002c3e2440346060406060602138606060602160606060603060606060254b24514d22604060233d4654600a600a
            R>S ACK         00000005000000000005050000000c
            R>S ACK         00000005000000000005050000000d
            R>S ACK         00000005000000000005050000000e
            R>S ACK         00000005000000000005050000000f
            R>S ACK         000000050000000000050500000010
            R>S ACK         000000050000000000050500000011
            S>R DATA        0000001200000002000944415441203133360a
            S>R DATA        000000130000000200884d244034602150606060253b535f2634602a30606060602460606060213a512c3b304060604e5f542160606021602530213060606060602450233030210a4d3f50606060306060606060606060275e44502c6028303d60602530606060606060213860602b365a5931246060606060606060606060214b24514d220a246060225c605060600a600a
            R>S ACK         000000050000000000050500000012
            R>S ACK         000000050000000000050500000013
            R>S CHANNEL_FIN 000000050000000000050300000002
            S>R ACK         000000140000000000050500000005
            S>R DATA        00000014000000020008444154412032380a
            S>R DATA        0000001500000002001c31244034602160606060604460606060213a512c3b316060600a600a
            S>R CHANNEL_FIN 000000160000000000050300000002
            R>S ACK         000000060000000000050500000014
            R>S ACK         000000060000000000050500000015
            R>S ACK         000000060000000000050500000016
            """;

    private record Line(boolean fromScamper, String what, byte[] frame) {
        int seq() {
            return Frame.seqOf(frame);
        }

        int channel() {
            return Frame.channelOf(frame);
        }

        byte[] payload() {
            return java.util.Arrays.copyOfRange(frame, Frame.HEADER_LENGTH, frame.length);
        }
    }

    private static List<Line> capture() {
        List<Line> lines = new ArrayList<>();
        for (String l : CAPTURE.strip().split("\\n")) {
            String[] f = l.strip().split("\\s+");
            lines.add(new Line(f[0].equals("S>R"), f[1], HexFormat.of().parseHex(f[2])));
        }
        return lines;
    }

    @TempDir
    Path dir;

    /**
     * Replays the capture: the simulated scamper sends exactly scamper's frames (its sequence numbers must
     * come out identical), two clients do what the capture's clients did, and every frame the server sends
     * must be byte-identical to what the C sc_remoted sent.
     */
    @Test
    void serverFramesMatchTheCapture() throws IOException {
        List<Line> cap = capture();
        List<Line> fromScamper = cap.stream().filter(l -> l.fromScamper && !l.what.equals("ACK")).toList();
        List<String> expected = cap.stream().filter(l -> !l.fromScamper).map(l -> hex(l.frame)).toList();
        try (TestServer ts = TestServer.start(dir, new Timing(200), null, 0)) {
            SimScamper sim = ts.sim(HexFormat.of().parseHex("2c661f0bc3b2ec40"), "cap.vp");
            sim.hello();
            UnixClient c1 = ts.client(sim);
            assertEquals(1, sim.awaitChannelNew(), "first channel id");
            c1.startReading();
            c1.write("ping -c 1 127.0.0.1\n");
            sim.awaitData(1, 20);
            send(sim, fromScamper, 0, 6);
            send(sim, fromScamper, 6, 8);
            c1.write("done\n");
            sim.awaitData(1, 25);
            send(sim, fromScamper, 8, 12);
            byte[] all1 = c1.readAllUntilEof(Checks.SHORT);
            assertEquals(Checks.text(payloads(fromScamper, 0, 11)), Checks.text(all1), "client 1 got scamper's output, then EOF");
            c1.close();

            UnixClient c2 = ts.client(sim);
            assertEquals(2, sim.awaitChannelNew(), "second channel id");
            c2.startReading();
            c2.write("ping -c 1 127.0.0.1\n");
            sim.awaitData(2, 20);
            send(sim, fromScamper, 12, 18);
            send(sim, fromScamper, 18, 20);
            c2.shutdownOutput();
            sim.awaitFin(2);
            send(sim, fromScamper, 20, 23);
            byte[] all2 = c2.readAllUntilEof(Checks.SHORT);
            assertEquals(Checks.text(payloads(fromScamper, 12, 22)), Checks.text(all2), "client 2 got scamper's output, then EOF");

            List<String> got = sim.receivedFrames().stream().skip(1).map(f -> hex(f.encode())).toList();
            assertEquals(String.join("\n", expected), String.join("\n", got), "server frames, one per line");
            assertEquals("000000000000000000050200000001", got.get(0), "CHANNEL_NEW 1 exactly as in the capture");
            sim.assertNoViolations();
        }
    }

    /** Sends capture lines [from, to) of scamper's reliable messages and waits for all to be acknowledged. */
    private static void send(SimScamper sim, List<Line> lines, int from, int to) {
        for (Line l : lines.subList(from, to)) {
            assertEquals(l.seq(), sim.sndNxt(), "the simulated scamper is in step with the capture before " + l.what);
            if (l.channel() == 0) {
                assertEquals("CHANNEL_FIN", l.what);
                sim.sendFin(Frame.channelOf(new byte[] {0, 0, 0, 0, l.payload()[1], l.payload()[2], l.payload()[3], l.payload()[4]}));
            } else {
                sim.sendData(l.channel(), l.payload());
            }
        }
        sim.awaitAllAcked();
    }

    private static byte[] payloads(List<Line> lines, int from, int to) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (Line l : lines.subList(from, to)) {
            if (l.channel() != 0) {
                b.writeBytes(l.payload());
            }
        }
        return b.toByteArray();
    }

    /**
     * KEEPALIVE and ACK carry snd_nxt without consuming it: after two KEEPALIVEs and the ACK of CHANNEL_NEW,
     * our first data message still carries sequence 0 and the server accepts it; and the server's ACKs name
     * each of a burst of reliable messages exactly once, in order.
     */
    @Test
    void unreliableMessagesDoNotConsumeSequenceNumbers() throws IOException {
        try (TestServer ts = TestServer.start(dir, new Timing(200), null, 0)) {
            SimScamper sim = ts.sim("seq");
            sim.hello();
            sim.sendKeepalive();
            sim.sendKeepalive();
            UnixClient c = ts.client(sim);
            c.startReading();
            int ch = sim.awaitChannelNew();
            sim.sendKeepalive();
            assertEquals(0, sim.sndNxt());
            sim.sendData(ch, "first\n");
            sim.awaitAllAcked();
            assertEquals(List.of("0"), sim.acksReceived(), "the server acknowledged sequence 0");
            assertEquals("first\n", Checks.text(c.awaitBytes(6, Checks.SHORT)));

            int n = 500;
            ByteArrayOutputStream expect = new ByteArrayOutputStream();
            expect.writeBytes("first\n".getBytes());
            for (int i = 0; i < n; i++) {
                byte[] m = ("line " + i + "\n").getBytes();
                expect.writeBytes(m);
                sim.sendData(ch, m);
                if (i % 50 == 0) {
                    sim.sendKeepalive();
                }
            }
            sim.awaitAllAcked();
            List<String> acks = IntStream.range(0, n + 1).mapToObj(Integer::toString).toList();
            assertEquals(acks, sim.acksReceived(), "one ACK per reliable message, in order");
            Checks.assertSameBytes(expect.toByteArray(), c.awaitBytes(expect.size(), Checks.SHORT), "client bytes");
            // the server's own sequence: CHANNEL_NEW took 0; its ACKs carried 1 (checked by the sim as rcv_nxt)
            assertEquals(1, sim.rcvNxt());
            c.write("x");
            sim.awaitData(ch, 1);
            assertEquals(1, sim.receivedFrames().stream().filter(f -> f.channel() == ch).findFirst().orElseThrow().seq(),
                    "client data after CHANNEL_NEW carries sequence 1");
            sim.assertNoViolations();
            Checks.roundTrip(ts, sim);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
