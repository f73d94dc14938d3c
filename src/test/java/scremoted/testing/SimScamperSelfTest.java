package scremoted.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import scremoted.wire.Control;
import scremoted.wire.Frame;
import scremoted.wire.FrameReader;
import scremoted.wire.Messages;

/**
 * The harness checks itself: a scripted fake server misbehaves on purpose and the simulated scamper must
 * record each violation (so that a clean run against the real server means something).
 */
@Timeout(20)
class SimScamperSelfTest {

    private interface Script {
        void run(FrameReader in, OutputStream out) throws IOException;
    }

    private static List<String> violationsAgainst(Script script) throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread server = Thread.ofPlatform().daemon().start(() -> {
                try (Socket s = ss.accept()) {
                    FrameReader in = new FrameReader(s.getInputStream());
                    OutputStream out = s.getOutputStream();
                    Frame hello = in.read();
                    Messages.decode(hello);
                    out.write(Messages.encode(0, new Control.MasterId("127.0.0.1:1")));
                    script.run(in, out);
                    out.flush();
                    Thread.sleep(300);
                } catch (Exception e) {
                    // the sim may close first
                }
            });
            try (SimScamper sim = new SimScamper(SimScamper.plain((InetSocketAddress) ss.getLocalSocketAddress()), "self")) {
                sim.hello();
                server.join(5000);
                return sim.violations();
            }
        }
    }

    @Test
    void wrongSequenceIsRecorded() throws Exception {
        List<String> v = violationsAgainst((in, out) -> out.write(Messages.encode(3, new Control.ChannelNew(1))));
        assertEquals(1, v.size(), v.toString());
        assertTrue(v.get(0).contains("expected rcv_nxt 0"), v.toString());
    }

    @Test
    void ackWithNothingOutstandingIsRecorded() throws Exception {
        List<String> v = violationsAgainst((in, out) -> out.write(Messages.encode(0, new Control.Ack(0))));
        assertTrue(v.toString().contains("nothing outstanding"), v.toString());
    }

    @Test
    void duplicateChannelNewIsRecorded() throws Exception {
        List<String> v = violationsAgainst((in, out) -> {
            out.write(Messages.encode(0, new Control.ChannelNew(1)));
            out.flush();
            in.read(); // ACK 0 from the sim
            // the sim has not sent a FIN: data on channel 1 is fine, a second CHANNEL_NEW 1 is not
            out.write(Frame.encode(1, 1, new byte[] {'x'}, 0, 1));
            out.write(Messages.encode(2, new Control.ChannelNew(1)));
        });
        assertEquals(1, v.size(), v.toString());
        assertTrue(v.get(0).contains("twice"), v.toString());
    }

    @Test
    void unexpectedHelloMessageIsRecorded() throws Exception {
        List<String> v = violationsAgainst((in, out) -> out.write(Messages.encode(0, new Control.MasterOk(0))));
        assertTrue(v.toString().contains("unexpected control"), v.toString());
    }

    @Test
    void cleanScriptHasNoViolations() throws Exception {
        List<String> v = violationsAgainst((in, out) -> {
            out.write(Messages.encode(0, new Control.ChannelNew(1)));
            out.write(Frame.encode(1, 1, new byte[] {'x'}, 0, 1));
            out.write(Messages.encode(2, new Control.Keepalive()));
            out.write(Messages.encode(2, new Control.ChannelFin(1)));
        });
        Await.pause(100);
        assertEquals(List.of(), v);
    }

    @Test
    void awaitTimesOut() {
        try {
            Await.until("never", Duration.ofMillis(20), () -> false);
        } catch (AssertionError e) {
            assertTrue(e.getMessage().contains("never"));
            return;
        }
        throw new AssertionError("Await.until did not time out");
    }
}
