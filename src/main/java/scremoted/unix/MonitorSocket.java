package scremoted.unix;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A listening unix domain socket file that this process created and will remove.
 *
 * <p>The process umask is 077 ({@link Umask}), so the file is born 0700; it is then widened to
 * the configured mode. There is no moment at which it is more open than configured.
 */
public final class MonitorSocket implements AutoCloseable {
    /** sun_path is 108 bytes on Linux, one of which is the terminating NUL. */
    public static final int MAX_PATH_BYTES = 107;

    /** What the umask of 077 gives a new socket file. */
    private static final Set<PosixFilePermission> BORN = mode(false, false);

    private final Path path;
    private final ServerSocketChannel channel;
    private final Object fileKey;

    private MonitorSocket(Path path, ServerSocketChannel channel, Object fileKey) {
        this.path = path;
        this.channel = channel;
        this.fileKey = fileKey;
    }

    /** Binds {@code dir/name} with the given mode; fails if a file of that name exists. */
    public static MonitorSocket bind(Path dir, String name, Set<PosixFilePermission> mode) throws IOException {
        Path path = dir.resolve(name);
        int length = path.toString().getBytes(StandardCharsets.UTF_8).length;
        if (length > MAX_PATH_BYTES) {
            throw new IOException("path of " + length + " bytes is longer than the " + MAX_PATH_BYTES
                    + " a unix socket allows");
        }
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            try {
                channel.bind(UnixDomainSocketAddress.of(path)); // never replaces an existing file
            } catch (java.net.BindException e) {
                throw new FileAlreadyExistsException(path.toString(), null, "a file of that name exists");
            }
            Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (!mode.equals(BORN)) {
                Files.setPosixFilePermissions(path, mode);
            }
            return new MonitorSocket(path, channel, key);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    /** 0700, plus group rwx with allowgroup, plus other rwx with allowother. */
    public static Set<PosixFilePermission> mode(boolean group, boolean other) {
        EnumSet<PosixFilePermission> mode = EnumSet.of(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
        if (group) {
            mode.addAll(EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                    PosixFilePermission.GROUP_EXECUTE));
        }
        if (other) {
            mode.addAll(EnumSet.of(PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                    PosixFilePermission.OTHERS_EXECUTE));
        }
        return mode;
    }

    public Path path() {
        return path;
    }

    /** Blocks until a client connects. */
    public SocketChannel accept() throws IOException {
        return channel.accept();
    }

    /** Stops listening and removes the file, unless it was replaced by someone else's meanwhile. */
    @Override
    public void close() throws IOException {
        channel.close();
        try {
            Object now = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (Objects.equals(now, fileKey)) {
                Files.delete(path);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // already gone
        }
    }
}
