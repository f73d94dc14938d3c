package scremoted.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** sc_attach -R drives a remote monitor through its socket, as it would with the C sc_remoted. */
@Timeout(60)
class ScAttachE2eTest extends E2eBase {

    @ParameterizedTest
    @EnumSource(Backend.Kind.class)
    void scAttachRunsCommandFile(Backend.Kind kind) throws Exception {
        Path dir = dir("u");
        Backend server = backend(kind, dir, "127.0.0.1:1");
        scamper(server.remote(), "attach.vp");
        Path sock = E2e.awaitSocket(dir, "attach.vp", "127.0.0.1:", this::diag);

        // A ping and a paris traceroute of 127.0.0.1.
        Path cmds = tmp.resolve("cmds.txt");
        Files.writeString(cmds, "ping -c 1 127.0.0.1\ntrace -P icmp-paris 127.0.0.1\n");
        Path out = tmp.resolve("out.warts");
        E2e.ToolResult r = E2e.run(Duration.ofSeconds(30), tmp, E2e.SC_ATTACH.toString(), "-i", cmds.toString(),
                "-o", out.toString(), "-R", sock.toString());
        assertEquals(0, r.exit(), "sc_attach: " + r + diag());

        E2e.ToolResult dump = E2e.run(Duration.ofSeconds(20), tmp, E2e.SC_WARTSDUMP.toString(), out.toString());
        assertEquals(0, dump.exit(), "sc_wartsdump: " + dump + diag());
        assertTrue(dump.stdout().contains("ping from 127.0.0.1 to 127.0.0.1"), "no ping in: " + dump + diag());
        assertTrue(dump.stdout().contains("traceroute from 127.0.0.1 to 127.0.0.1"),
                "no traceroute in: " + dump + diag());
        assertTrue(dump.stdout().contains("monitor: attach.vp"), "monitor name not in: " + dump + diag());

        List<String> json = E2e.warts2json(out);
        E2e.assertOnePingReply(json, "127.0.0.1", this::diag);
        assertTrue(json.stream().anyMatch(l -> E2e.jsonType(l).equals("trace")
                && l.contains("\"stop_reason\":\"COMPLETED\"") && l.contains("\"dst\":\"127.0.0.1\"")),
                "no completed trace of 127.0.0.1 in:\n" + String.join("\n", json) + diag());

        // A second sc_attach on the same monitor (a new channel), with -c and a file of addresses.
        Path addrs = tmp.resolve("addrs.txt");
        Files.writeString(addrs, "127.0.0.1\n");
        Path out2 = tmp.resolve("out2.warts");
        E2e.ToolResult r2 = E2e.run(Duration.ofSeconds(30), tmp, E2e.SC_ATTACH.toString(), "-c", "ping -c 1",
                "-i", addrs.toString(), "-o", out2.toString(), "-R", sock.toString());
        assertEquals(0, r2.exit(), "second sc_attach: " + r2 + diag());
        E2e.assertOnePingReply(E2e.warts2json(out2), "127.0.0.1", this::diag);
        assertTrue(Files.exists(sock), "monitor socket vanished" + diag());
    }
}
