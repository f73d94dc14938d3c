package scremoted.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The monitor socket's file mode under -O allowgroup / allowother, and its removal when the server stops. */
@Timeout(60)
class SocketModeE2eTest extends E2eBase {

    static Stream<Arguments> settings() {
        return Stream.of(Backend.Kind.values()).flatMap(k -> Stream.of(
                Arguments.of(k, new String[] {}, "rwx------"),
                Arguments.of(k, new String[] {"allowgroup"}, "rwxrwx---"),
                Arguments.of(k, new String[] {"allowgroup", "allowother"}, "rwxrwxrwx")));
    }

    @ParameterizedTest(name = "{0} -O {1} -> {2}")
    @MethodSource("settings")
    void socketMode(Backend.Kind kind, String[] flags, String mode) throws Exception {
        Path dir = dir("u");
        Backend server = backend(kind, dir, "127.0.0.1:1", flags);
        scamper(server.remote(), "mode.vp");
        Path sock = E2e.awaitSocket(dir, "mode.vp", "127.0.0.1:", this::diag);
        assertTrue(Files.readAttributes(sock, java.nio.file.attribute.BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS).isOther(), "not a socket: " + sock);
        assertEquals(mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(sock, LinkOption.NOFOLLOW_LINKS)),
                "mode of " + sock + diag());
        connect(sock).close(); // it is a listening socket

        server.close();
        assertTrue(E2e.poll(Duration.ofSeconds(5), () -> !Files.exists(sock, LinkOption.NOFOLLOW_LINKS)),
                "socket " + sock + " still there after the server stopped; dir holds " + E2e.listNames(dir) + diag());
        assertFalse(E2e.listNames(dir).stream().anyMatch(n -> n.startsWith("mode.vp")), "leftover in " + dir);
    }
}
