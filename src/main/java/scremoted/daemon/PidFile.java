package scremoted.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import scremoted.log.Log;

/** The -e file: this process's id, written once it serves, removed when it stops. */
public final class PidFile {
    private final Path path;
    private final String content;

    private PidFile(Path path, String content) {
        this.path = path;
        this.content = content;
    }

    /**
     * Writes our pid (decimal, newline, mode 0644). A file naming a live sc_remoted is an error;
     * one left by a dead process is replaced.
     */
    public static PidFile create(Path path) throws IOException {
        Optional<Long> other = livePidIn(path);
        if (other.isPresent()) {
            throw new IOException(path + " names sc_remoted process " + other.get() + ", which is running");
        }
        String content = ProcessHandle.current().pid() + "\n";
        Path tmp = Files.createTempFile(path.toAbsolutePath().getParent(), ".sc_remoted-pid", ".tmp");
        try {
            Files.writeString(tmp, content, StandardCharsets.US_ASCII);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return new PidFile(path, content);
    }

    /** Removes the file if it still holds our pid. */
    public void remove() {
        try {
            if (content.equals(Files.readString(path, StandardCharsets.US_ASCII))) {
                Files.delete(path);
            }
        } catch (NoSuchFileException e) {
            Log.debug("pidfile", () -> path + " was already removed");
        } catch (IOException e) {
            Log.error("pidfile", "cannot remove " + path + ": " + e.getMessage());
        }
    }

    private static Optional<Long> livePidIn(Path path) throws IOException {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(text);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (pid == ProcessHandle.current().pid()) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains("scremoted") || c.contains("sc_remoted")).orElse(false))
                .map(ProcessHandle::pid);
    }
}
