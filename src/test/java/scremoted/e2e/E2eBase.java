package scremoted.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Fixture of the end-to-end tests: servers, scampers and clients started by a test are stopped after it. */
abstract class E2eBase {
    static final Pattern OK_ID = Pattern.compile("^OK id-\\d+$");

    @TempDir
    Path tmp;

    final List<Backend> backends = new ArrayList<>();
    final List<ScamperProc> scampers = new ArrayList<>();
    final List<ControlClient> clients = new ArrayList<>();
    final List<AutoCloseable> others = new ArrayList<>();

    @BeforeEach
    void requireTools() {
        E2e.requireScamperTools();
    }

    @AfterEach
    void stopEverything() {
        for (ControlClient c : clients) {
            c.close();
        }
        for (ScamperProc s : scampers) {
            s.close();
        }
        for (AutoCloseable o : others) {
            try {
                o.close();
            } catch (Exception e) {
                // ignore
            }
        }
        for (Backend b : backends) {
            b.close();
        }
    }

    Path dir(String name) throws IOException {
        return Files.createDirectories(tmp.resolve(name));
    }

    Backend backend(Backend.Kind kind, Path dir, String listen, String... extraO) throws IOException {
        Backend b = kind.start(dir, listen, extraO);
        backends.add(b);
        return b;
    }

    ScamperProc scamper(String remote, String name) throws IOException {
        ScamperProc s = ScamperProc.start(tmp, remote, name);
        scampers.add(s);
        return s;
    }

    ControlClient connect(Path socket) throws IOException {
        ControlClient c;
        try {
            c = ControlClient.connect(socket);
        } catch (IOException e) {
            throw new IOException("cannot connect to " + socket + "\n" + diag(), e);
        }
        clients.add(c);
        return c;
    }

    /** Everything that helps explain a failure: client transcripts, scamper output, server output. */
    String diag() {
        StringBuilder b = new StringBuilder("\n");
        for (ControlClient c : clients) {
            b.append(c.transcript()).append('\n');
        }
        for (ScamperProc s : scampers) {
            b.append(s.diagnostics()).append('\n');
        }
        for (AutoCloseable o : others) {
            if (o instanceof FrameRelay r) {
                b.append(r.log()).append('\n');
            }
        }
        for (Backend be : backends) {
            b.append(be.diagnostics()).append('\n');
        }
        return b.toString();
    }

    /**
     * On a connected client: sends {@code ping -c 1 dst}, waits for OK and the ping record, sends done,
     * reads to EOF. Returns the decoded warts bytes. Fails with diagnostics.
     */
    byte[] pingAndDone(ControlClient c, String dst) throws IOException {
        try {
            c.send("ping -c 1 " + dst);
            c.awaitLine(OK_ID, Duration.ofSeconds(10));
            c.awaitRecord(E2e.WARTS_PING, Duration.ofSeconds(15));
            c.send("done");
            c.readToEof(Duration.ofSeconds(10));
        } catch (IOException | TimeoutException e) {
            fail("ping through " + c.path.getFileName() + ": " + e + diag(), e);
        }
        return c.warts();
    }

    /** Writes warts bytes to a file and returns sc_warts2json's lines. */
    List<String> json(byte[] warts, String fileName) throws IOException, InterruptedException {
        Path f = tmp.resolve(fileName);
        E2e.write(f, warts);
        return E2e.warts2json(f);
    }

    /** The list name of the cycle-start record (it is {@code <MASTER_ID>_<n>}). */
    String listName(List<String> json) {
        return json.stream().filter(l -> E2e.jsonType(l).equals("cycle-start")).findFirst()
                .flatMap(l -> E2e.jsonString(l, "list_name"))
                .orElseGet(() -> fail("no cycle-start with a list_name in:\n" + String.join("\n", json) + diag()));
    }
}
