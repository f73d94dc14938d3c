package scremoted;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import scremoted.cli.Cli;
import scremoted.cli.Options;
import scremoted.cli.UsageException;
import scremoted.daemon.Daemon;
import scremoted.daemon.PidFile;
import scremoted.daemon.Signals;
import scremoted.log.Log;
import scremoted.server.Limits;
import scremoted.server.Server;
import scremoted.server.Timing;
import scremoted.tls.Passphrase;
import scremoted.tls.ServerTls;
import scremoted.tls.TlsConfigException;

/**
 * Wires the command line to the server, the pidfile and the signals. The jar enters through
 * {@code scremoted.launch.Launcher}, which turns away runtimes older than 24.
 */
public final class Main {
    private static final int USAGE = 255;

    private Main() {}

    public static void main(String[] args) {
        Cli.Command command;
        try {
            command = Cli.parse(args);
        } catch (UsageException e) {
            System.err.println("sc_remoted: " + e.getMessage());
            Cli.printUsage(System.err, false);
            System.exit(USAGE);
            return;
        }
        switch (command) {
            case Cli.Help h -> {
                Cli.printUsage(System.err, true);
                System.exit(0);
            }
            case Cli.Version v -> {
                System.out.println("sc_remoted version " + version());
                System.exit(0);
            }
            case Cli.Run run -> System.exit(run(run.options()));
        }
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }

    private static int run(Options options) {
        boolean daemon = options.daemon() && Daemon.isDaemonProcess();
        char[] passphrase = null;
        try {
            if (daemon) {
                passphrase = Daemon.receivePassphrase();
            } else if (options.tls()) {
                passphrase = Passphrase.obtain(options.tlsPrivateKey());
            }
        } catch (TlsConfigException | IOException e) {
            return startFailed(daemon, e.getMessage());
        }
        if (options.daemon() && !daemon) {
            return Daemon.launch(passphrase);
        }
        if (daemon) {
            Daemon.becomeSessionLeader();
        }
        Log.configure(options.has(Options.Flag.DEBUG) && !options.daemon(), true, !options.has(Options.Flag.NOTIMES));
        ServerTls tls = null;
        if (options.tls()) {
            try {
                tls = ServerTls.load(options.tlsCertificate(), options.tlsPrivateKey(), options.tlsCa(), passphrase);
            } catch (TlsConfigException e) {
                return startFailed(daemon, e.getMessage());
            }
        }
        Server server;
        try {
            server = Server.start(options, Timing.fromSystemProperty(), Limits.DEFAULT, tls);
        } catch (IOException e) {
            return startFailed(daemon, e.getMessage());
        }
        PidFile pidFile = null;
        if (options.pidFile() != null) {
            try {
                pidFile = PidFile.create(options.pidFile());
            } catch (IOException e) {
                server.close();
                return startFailed(daemon, e.getMessage());
            }
        }
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTerminate(stop::countDown);
        Signals.onHangup(reloader(tls));
        if (daemon) {
            Daemon.ready();
        }
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Log.debug("main", () -> "shutting down");
        server.close();
        if (pidFile != null) {
            pidFile.remove();
        }
        return 0;
    }

    private static Runnable reloader(ServerTls tls) {
        if (tls == null) {
            return () -> Log.debug("main", () -> "SIGHUP: no TLS material to reload");
        }
        return () -> {
            try {
                tls.reload();
                Log.debug("main", () -> "SIGHUP: TLS certificate, key and CA reloaded");
            } catch (TlsConfigException e) {
                Log.error("main", "SIGHUP: reload failed, keeping the previous TLS material: " + e.getMessage());
            }
        };
    }

    private static int startFailed(boolean daemon, String reason) {
        if (daemon) {
            Daemon.failed(reason);
        } else {
            System.err.println("sc_remoted: " + reason);
        }
        return 1;
    }
}
