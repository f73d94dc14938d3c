package scremoted.tlsint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scremoted.server.Timing;
import scremoted.testing.Await;
import scremoted.testing.SimScamper;
import scremoted.testing.TestServer;
import scremoted.testing.TlsConnector;
import scremoted.testing.UnixClient;

/** Many TLS monitors at once, and a full-duplex flood over one TLS connection. */
class TlsLoadTest {
    private static final int IDLE_MONITORS = 200;
    private static final int FLOOD_BYTES = 20 * 1024 * 1024;

    @TempDir
    Path tmp;

    @Test
    @Timeout(60)
    void aNewMonitorIsServedWithinASecondBeside200IdleTlsMonitors() throws Exception {
        TlsEnv env = TlsEnv.create(tmp);
        try (TestServer s = env.start(Timing.REAL, null, 0, false);
                ExecutorService pool = Executors.newFixedThreadPool(8)) {
            TlsConnector connector = env.connector(s, null);
            List<SimScamper> idle = new ArrayList<>();
            List<Future<String>> hellos = new ArrayList<>();
            for (int i = 0; i < IDLE_MONITORS; i++) {
                SimScamper sim = TlsEnv.sim(s, connector, "idle" + i);
                idle.add(sim);
                hellos.add(pool.submit(() -> sim.hello()));
            }
            for (Future<String> h : hellos) {
                h.get();
            }
            s.awaitSessions(IDLE_MONITORS);

            SimScamper fresh = TlsEnv.sim(s, connector, "fresh");
            byte[] line = "one round trip\n".getBytes(StandardCharsets.US_ASCII);
            long start = System.nanoTime();
            fresh.hello();
            fresh.echo(true);
            Path socket = s.socketPath(fresh);
            UnixClient client = s.client(socket);
            fresh.awaitChannelNew();
            client.write(line);
            byte[] back = client.awaitBytes(line.length, Duration.ofSeconds(10));
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.println("TLS hello + unix connect + echo round trip beside " + IDLE_MONITORS
                    + " idle TLS monitors: " + millis + " ms");
            assertArrayEquals(line, back);
            assertTrue(millis < 1000, "took " + millis + " ms");

            assertEquals(IDLE_MONITORS + 1, s.server.sessionCount());
            for (SimScamper sim : idle) {
                assertFalse(sim.closedByServer(), sim + " was dropped");
                sim.assertNoViolations();
            }
            fresh.assertNoViolations();
            assertTrue(Files.exists(s.socketPath(idle.get(0))));
        }
    }

    @Test
    @Timeout(60)
    void aFullDuplexFloodOverOneTlsConnectionCompletesByteExact() throws Exception {
        TlsEnv env = TlsEnv.create(tmp);
        try (TestServer s = env.start(Timing.REAL, null, 0, false)) {
            SimScamper sim = TlsEnv.sim(s, env.connector(s, null), "flood");
            sim.hello();
            UnixClient client = s.client(sim);
            client.startReading();
            int channel = sim.awaitChannelNew();

            Random random = new Random(42);
            byte[] up = new byte[FLOOD_BYTES];
            byte[] down = new byte[FLOOD_BYTES];
            random.nextBytes(up);
            random.nextBytes(down);

            long start = System.nanoTime();
            Thread writer = client.writeInBackground(up);
            sim.sendData(channel, down);
            byte[] atSim = sim.awaitData(channel, FLOOD_BYTES, Duration.ofSeconds(45));
            byte[] atClient = client.awaitBytes(FLOOD_BYTES, Duration.ofSeconds(45));
            double seconds = (System.nanoTime() - start) / 1e9;
            writer.join(5000);
            System.out.printf("full-duplex TLS flood: %d MB each way in %.2f s, %.1f MB/s total%n",
                    FLOOD_BYTES >> 20, seconds, 2 * FLOOD_BYTES / 1048576.0 / seconds);

            assertEquals(FLOOD_BYTES, atSim.length);
            assertEquals(FLOOD_BYTES, atClient.length);
            assertArrayEquals(up, atSim, "client to monitor");
            assertArrayEquals(down, atClient, "monitor to client");
            assertFalse(writer.isAlive());
            assertFalse(client.eof(), "the client must not have been dropped");
            assertFalse(sim.finReceived(channel));
            sim.awaitAllAcked(Duration.ofSeconds(10));
            sim.assertNoViolations();
        }
    }
}
