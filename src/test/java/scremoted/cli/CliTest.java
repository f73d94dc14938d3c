package scremoted.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    @TempDir
    Path dir;

    private Options run(String... args) throws UsageException {
        return assertInstanceOf(Cli.Run.class, Cli.parse(args)).options();
    }

    private String usageError(String... args) {
        return assertThrows(UsageException.class, () -> Cli.parse(args)).getMessage();
    }

    @Test
    void defaults() throws Exception {
        Options o = run("-P", "31337", "-U", dir.toString());
        assertEquals(31337, o.port());
        assertNull(o.bindAddress());
        assertEquals(Options.Family.ANY, o.family());
        assertEquals(dir, o.unixDir());
        assertEquals(900, o.zombieSeconds());
        assertTrue(o.flags().isEmpty());
        assertFalse(o.tls());
        assertNull(o.pidFile());
    }

    @Test
    void addresses() throws Exception {
        Options v4 = run("-P", "127.0.0.1:4000", "-U", dir.toString());
        assertEquals(InetAddress.getByName("127.0.0.1"), v4.bindAddress());
        assertEquals(4000, v4.port());
        Options v6 = run("-P", "[::1]:4001", "-U", dir.toString());
        assertEquals(InetAddress.getByName("::1"), v6.bindAddress());
        assertEquals(4001, v6.port());
        assertTrue(usageError("-P", "localhost:4000", "-U", dir.toString()).contains("not an IPv4 address"));
        assertTrue(usageError("-P", "[::1:4000", "-U", dir.toString()).contains("[ipv6-address]:port"));
        assertTrue(usageError("-P", "[1.2.3.4]:4000", "-U", dir.toString()).contains("not an IPv6"));
        assertTrue(usageError("-P", "300.1.1.1:4000", "-U", dir.toString()).contains("invalid address"));
    }

    @Test
    void ports() {
        assertTrue(usageError("-P", "0", "-U", dir.toString()).contains("outside 1..65535"));
        assertTrue(usageError("-P", "65536", "-U", dir.toString()).contains("outside"));
        assertTrue(usageError("-P", "http", "-U", dir.toString()).contains("not a number"));
        assertTrue(usageError("-U", dir.toString()).contains("-P"));
    }

    @Test
    void familiesAndClusteredFlags() throws Exception {
        assertEquals(Options.Family.IPV4, run("-4", "-P", "1", "-U", dir.toString()).family());
        assertEquals(Options.Family.IPV6, run("-6P", "1", "-U", dir.toString()).family());
        assertTrue(usageError("-46", "-P", "1", "-U", dir.toString()).contains("exclude"));
        assertTrue(usageError("-4", "-P", "[::1]:1", "-U", dir.toString()).contains("-4 given with an IPv6"));
        assertTrue(usageError("-6", "-P", "127.0.0.1:1", "-U", dir.toString()).contains("-6 given with an IPv4"));
    }

    @Test
    void unixDirectory() throws Exception {
        assertTrue(usageError("-P", "1").contains("-U"));
        assertTrue(usageError("-P", "1", "-U", dir.resolve("missing").toString()).contains("not a directory"));
        Path file = Files.createFile(dir.resolve("file"));
        assertTrue(usageError("-P", "1", "-U", file.toString()).contains("not a directory"));
    }

    @Test
    void dashOIsRepeatableAndCaseInsensitive() throws Exception {
        Options o = run("-P", "1", "-U", dir.toString(), "-O", "AllowGroup", "-O", "DEBUG", "-O", "select",
                "-O", "skipnameverification", "-Oallowother", "-O", "notimes");
        assertEquals(Set.of(Options.Flag.values()), o.flags());
        assertTrue(usageError("-P", "1", "-U", dir.toString(), "-O", "bogus").contains("unknown option -O bogus"));
    }

    @Test
    void zombieTime() throws Exception {
        assertEquals(0, run("-P", "1", "-U", dir.toString(), "-Z", "0").zombieSeconds());
        assertEquals(10800, run("-P", "1", "-U", dir.toString(), "-Z", "10800").zombieSeconds());
        assertEquals(16, run("-P", "1", "-U", dir.toString(), "-Z", "0x10").zombieSeconds());
        assertTrue(usageError("-P", "1", "-U", dir.toString(), "-Z", "10801").contains("outside 0..10800"));
        assertTrue(usageError("-P", "1", "-U", dir.toString(), "-Z", "-1").contains("outside"));
        assertTrue(usageError("-P", "1", "-U", dir.toString(), "-Z", "ten").contains("not a number"));
    }

    @Test
    void tlsPairing() {
        assertTrue(usageError("-P", "1", "-U", dir.toString(), "-c", "c.pem").contains("-c and -p must be given together"));
        assertTrue(usageError("-P", "1", "-U", dir.toString(), "-p", "k.pem").contains("-c and -p must be given together"));
        assertTrue(usageError("-P", "1", "-U", dir.toString(), "-C", "ca.pem").contains("-C requires -c and -p"));
    }

    @Test
    void pidFile() throws Exception {
        assertEquals(Path.of("/run/x.pid"), run("-P", "1", "-U", dir.toString(), "-e", "/run/x.pid").pidFile());
    }

    @Test
    void helpAndVersion() throws Exception {
        assertInstanceOf(Cli.Help.class, Cli.parse("-?"));
        assertInstanceOf(Cli.Version.class, Cli.parse("-v"));
    }

    @Test
    void strayArgumentsAndUnknownOptions() {
        assertThrows(UsageException.class, () -> Cli.parse("-P", "1", "-U", dir.toString(), "extra"));
        assertThrows(UsageException.class, () -> Cli.parse("-P", "1", "-U", dir.toString(), "-x"));
        assertThrows(UsageException.class, () -> Cli.parse("-P", "1", "-P", "2", "-U", dir.toString()));
    }

    @Test
    void featuresOfLaterWorkFailLoudly() {
        assertTrue(usageError("-P", "1", "-U", dir.toString(), "-M", "/tmp/mux").contains("not available in this build"));
        assertTrue(usageError("-P", "1", "-U", dir.toString(), "-m", "/tmp/meta").contains("not available in this build"));
    }
}
