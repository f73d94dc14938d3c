package scremoted.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The openssl command-line tool, for cross-checks against a TLS implementation that is not ours. */
final class OpensslCli {
    record Result(int exitCode, String output) {}

    private OpensslCli() {}

    static boolean available() {
        try {
            return run(Path.of("."), "version").exitCode() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs {@code openssl args...} in {@code dir} with stdin from /dev/null; output is stdout and stderr. */
    static Result run(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("openssl " + String.join(" ", args) + " did not finish in 15 s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** As {@link #run}, failing the test unless openssl exits 0. */
    static String succeed(Path dir, String... args) throws IOException {
        Result result = run(dir, args);
        assertEquals(0, result.exitCode(), () -> "openssl " + String.join(" ", args) + ":\n" + result.output());
        return result.output();
    }
}
