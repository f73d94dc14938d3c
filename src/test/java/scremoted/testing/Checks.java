package scremoted.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;

/** Shared checks: a full channel round trip on a monitor, deterministic test bytes. */
public final class Checks {
    private Checks() {}

    public static final Duration SHORT = Duration.ofSeconds(5);

    /**
     * A client connects to the sim's socket, sends a command and shuts down its write side; the sim sees
     * CHANNEL_NEW, the command and a FIN, answers and sends its FIN; the client reads the answer and EOF.
     */
    public static void roundTrip(TestServer ts, SimScamper sim) throws IOException {
        int before = sim.channelsNew().size();
        try (UnixClient c = UnixClient.connect(ts.socketPath(sim))) {
            int ch = sim.awaitNthChannel(before);
            String cmd = "ping -c 1 127.0.0.1\n";
            c.write(cmd);
            assertEquals(cmd, text(sim.awaitData(ch, cmd.length())), "command relayed to scamper");
            c.shutdownOutput();
            sim.awaitFin(ch);
            String answer = "OK id-1\nDATA 3\nabc\n";
            sim.sendData(ch, answer);
            sim.sendFin(ch);
            assertEquals(answer, text(c.readAllUntilEof(SHORT)), "answer relayed to the client, then EOF");
            sim.awaitAllAcked();
            sim.assertNoViolations();
        }
    }

    /** A fresh monitor says hello, passes a round trip, and leaves. */
    public static void freshMonitorWorks(TestServer ts, String name) throws IOException {
        try (SimScamper sim = ts.sim(name)) {
            sim.hello();
            roundTrip(ts, sim);
        }
    }

    /** On an already open client/channel pair: bytes both ways. */
    public static void exchange(SimScamper sim, UnixClient client, int ch, String tag) throws IOException {
        client.startReading();
        int had = sim.dataCount(ch);
        String up = "cmd " + tag + "\n";
        client.write(up);
        byte[] all = sim.awaitData(ch, had + up.length());
        assertEquals(up, new String(all, had, all.length - had, StandardCharsets.ISO_8859_1));
        int got = client.receivedCount();
        String down = "reply " + tag + "\n";
        sim.sendData(ch, down);
        byte[] r = client.awaitBytes(got + down.length(), SHORT);
        assertEquals(down, new String(r, got, r.length - got, StandardCharsets.ISO_8859_1));
        sim.awaitAllAcked();
        sim.assertNoViolations();
    }

    public static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    public static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    public static void assertSameBytes(byte[] expected, byte[] actual, String what) {
        if (expected.length != actual.length) {
            int i = 0;
            while (i < Math.min(expected.length, actual.length) && expected[i] == actual[i]) {
                i++;
            }
            throw new AssertionError(what + ": expected " + expected.length + " bytes, got " + actual.length
                    + " (first difference at offset " + i + ")");
        }
        assertArrayEquals(expected, actual, what);
    }
}
