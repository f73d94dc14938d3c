package scremoted.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real {@code scamper -R host:port -M name} process; its stdout and stderr go to a file. */
final class ScamperProc implements AutoCloseable {
    final String name;
    final Path log;
    final Process process;
    final List<String> command;

    private ScamperProc(String name, Path log, Process process, List<String> command) {
        this.name = name;
        this.log = log;
        this.process = process;
        this.command = command;
    }

    /** remote is as scamper's -R wants it: {@code 127.0.0.1:PORT} or {@code [::1]:PORT}. */
    static ScamperProc start(Path workDir, String remote, String name) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(E2e.SCAMPER.toString(), "-R", remote, "-p", "100"));
        if (name != null) {
            cmd.add("-M");
            cmd.add(name);
        }
        Path log = Files.createTempFile(workDir, "scamper-" + (name == null ? "noname" : name) + "-", ".log");
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ScamperProc(name, log, p, cmd);
    }

    String diagnostics() {
        String state = process.isAlive() ? "running" : "exited " + process.exitValue();
        return "--- " + String.join(" ", command) + " (pid " + process.pid() + ", " + state + ") output ---\n"
                + E2e.read(log);
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(3, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
