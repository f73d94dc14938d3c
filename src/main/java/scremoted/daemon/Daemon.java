package scremoted.daemon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * -D. A JVM cannot fork, so the invoking process starts a second JVM with the same command line
 * and waits on a pipe until that one reports that it serves (TLS material loaded, listeners bound,
 * pidfile written) or why it could not. The daemon makes itself a session leader, and once it
 * serves puts /dev/null on its stdio. The TLS passphrase travels through the daemon's stdin, never
 * the command line or the disk.
 */
public final class Daemon {
    /** Set in the daemon's environment: "1", or "passphrase" when one follows on stdin. */
    static final String CHILD_ENV = "SC_REMOTED_DAEMON_CHILD";
    private static final String READY = "READY";
    private static final String FAILED = "FAILED ";
    private static final int O_RDWR = 2;

    private Daemon() {}

    /** True in the process that -D started. */
    public static boolean isDaemonProcess() {
        return System.getenv(CHILD_ENV) != null;
    }

    /**
     * In the invoking process: starts the daemon, relays its verdict. Returns the exit status for
     * the invoking process: 0 once the daemon serves, 1 if it failed.
     */
    public static int launch(char[] passphrase) {
        ProcessHandle.Info self = ProcessHandle.current().info();
        List<String> command = new ArrayList<>();
        command.add(self.command().orElse(System.getProperty("java.home") + "/bin/java"));
        command.addAll(List.of(self.arguments().orElseThrow(() -> new IllegalStateException("own arguments unknown"))));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().put(CHILD_ENV, passphrase == null ? "1" : "passphrase");
        Process daemon;
        try {
            daemon = builder.start();
        } catch (IOException e) {
            System.err.println("sc_remoted: cannot start the daemon: " + e.getMessage());
            return 1;
        }
        try (OutputStream in = daemon.getOutputStream()) {
            if (passphrase != null) {
                byte[] bytes = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(passphrase)).array();
                in.write(bytes);
                in.write('\n');
                java.util.Arrays.fill(bytes, (byte) 0);
            }
        } catch (IOException e) {
            System.err.println("sc_remoted: cannot hand the passphrase to the daemon: " + e.getMessage());
        }
        try (BufferedReader verdict = new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8))) {
            String line = verdict.readLine();
            if (READY.equals(line)) {
                return 0;
            }
            if (line != null && line.startsWith(FAILED)) {
                System.err.println("sc_remoted: " + line.substring(FAILED.length()));
            } else {
                System.err.println("sc_remoted: the daemon exited before it was ready");
            }
        } catch (IOException e) {
            System.err.println("sc_remoted: waiting for the daemon: " + e.getMessage());
        }
        daemon.destroy();
        return 1;
    }

    /** In the daemon: the passphrase the invoking process sent, if it said one follows. */
    public static char[] receivePassphrase() throws IOException {
        if (!"passphrase".equals(System.getenv(CHILD_ENV))) {
            return null;
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = in.readLine();
        return line == null ? null : line.toCharArray();
    }

    /** In the daemon, first thing: a session of its own, away from the invoking terminal. */
    public static void becomeSessionLeader() {
        POSIX posix = POSIXFactory.getNativePOSIX();
        posix.setsid();
    }

    /** In the daemon, once it serves: tell the invoking process, then stdio to /dev/null. */
    public static void ready() {
        PrintStream out = System.out;
        out.println(READY);
        out.flush();
        POSIX posix = POSIXFactory.getNativePOSIX();
        int devNull = posix.open("/dev/null", O_RDWR, 0);
        if (devNull >= 0) {
            posix.dup2(devNull, 0);
            posix.dup2(devNull, 1);
            posix.dup2(devNull, 2);
            if (devNull > 2) {
                posix.close(devNull);
            }
        }
    }

    /** In the daemon, when it cannot serve: the reason, for the invoking process to print. */
    public static void failed(String reason) {
        System.out.println(FAILED + reason.replace('\n', ' '));
        System.out.flush();
    }
}
