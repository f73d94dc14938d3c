package scremoted.cli;

import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The command line: parsed with picocli (POSIX clustered short options), validated into {@link Options}. */
public final class Cli {
    public static final String SYNOPSIS = """
            usage: sc_remoted [-?46Dv] [-O options] [-P [ip:]port] [-U directory]
                              [-C tls-ca] [-c tls-certificate] [-p tls-privatekey]
                              [-e pidfile] [-Z zombie-time]""";

    private static final String OPTION_LINES = """
              -? give an overview of the usage of sc_remoted
              -4 only listen for IPv4 connections
              -6 only listen for IPv6 connections
              -D operate as a daemon
              -v print the version and exit
              -O options: allowgroup, allowother, debug, notimes, select, skipnameverification
              -P [ip:]port to accept remote scamper connections on
              -U directory for unix domain sockets
              -C tls-ca: require client certificates signed by this CA
              -c tls-certificate (PEM chain, server certificate first)
              -p tls-privatekey (PEM)
              -e pidfile to write the process id to
              -Z zombie-time: seconds to keep state of a disconnected scamper (0..10800, default 900)
            """;

    /** What the command line asks for. */
    public sealed interface Command {}

    public record Run(Options options) implements Command {}

    public record Help() implements Command {}

    public record Version() implements Command {}

    private Cli() {}

    public static void printUsage(PrintStream out, boolean withOptions) {
        out.println(SYNOPSIS);
        if (withOptions) {
            out.println();
            out.println(OPTION_LINES);
        }
    }

    /** Every option the parser accepts, as written on the command line ("-P", "-?", ...). */
    public static java.util.SortedSet<String> optionNames() {
        java.util.TreeSet<String> names = new java.util.TreeSet<>();
        new CommandLine(new Raw()).getCommandSpec().options().forEach(o -> names.addAll(java.util.List.of(o.names())));
        return names;
    }

    public static Command parse(String... args) throws UsageException {
        Raw raw = new Raw();
        CommandLine cl = new CommandLine(raw);
        cl.setPosixClusteredShortOptionsAllowed(true);
        cl.setUnmatchedArgumentsAllowed(false);
        cl.setOverwrittenOptionsAllowed(false);
        try {
            cl.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new UsageException(e.getMessage());
        }
        if (raw.help) {
            return new Help();
        }
        if (raw.version) {
            return new Version();
        }
        return new Run(validate(raw));
    }

    private static Options validate(Raw raw) throws UsageException {
        if (!raw.positional.isEmpty()) {
            throw new UsageException("unexpected argument: " + raw.positional.get(0));
        }
        if (raw.mux != null) {
            throw new UsageException("-M (the multiplexed socket) is not available in this build");
        }
        if (raw.meta != null) {
            throw new UsageException("-m (the metadata file) is not available in this build");
        }
        if (raw.ipv4 && raw.ipv6) {
            throw new UsageException("-4 and -6 exclude each other");
        }
        Options.Family family = raw.ipv4 ? Options.Family.IPV4 : raw.ipv6 ? Options.Family.IPV6 : Options.Family.ANY;

        EnumSet<Options.Flag> flags = EnumSet.noneOf(Options.Flag.class);
        for (String o : raw.options) {
            for (String word : o.split(",")) {
                try {
                    flags.add(Options.Flag.valueOf(word.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new UsageException("unknown option -O " + word);
                }
            }
        }

        if (raw.port == null) {
            throw new UsageException("-P [ip:]port is required");
        }
        InetAddress address = null;
        String portText = raw.port;
        if (raw.port.startsWith("[")) {
            int close = raw.port.indexOf("]:");
            if (close < 0) {
                throw new UsageException("-P " + raw.port + ": expected [ipv6-address]:port");
            }
            address = literal(raw.port.substring(1, close), true, raw.port);
            portText = raw.port.substring(close + 2);
        } else if (raw.port.contains(":")) {
            int colon = raw.port.lastIndexOf(':');
            address = literal(raw.port.substring(0, colon), false, raw.port);
            portText = raw.port.substring(colon + 1);
        }
        int port = number(portText, 1, 65535, "-P port");
        if (address instanceof Inet4Address && family == Options.Family.IPV6) {
            throw new UsageException("-6 given with an IPv4 address in -P " + raw.port);
        }
        if (address instanceof Inet6Address && family == Options.Family.IPV4) {
            throw new UsageException("-4 given with an IPv6 address in -P " + raw.port);
        }

        if (raw.unixDir == null) {
            throw new UsageException("-U directory is required");
        }
        Path unixDir = Path.of(raw.unixDir);
        if (!Files.isDirectory(unixDir)) {
            throw new UsageException("-U " + raw.unixDir + " is not a directory");
        }

        if ((raw.cert == null) != (raw.key == null)) {
            throw new UsageException("-c and -p must be given together");
        }
        if (raw.ca != null && raw.cert == null) {
            throw new UsageException("-C requires -c and -p");
        }

        int zombie = raw.zombie == null ? Options.DEFAULT_ZOMBIE_SECONDS
                : number(raw.zombie, 0, Options.MAX_ZOMBIE_SECONDS, "-Z zombie-time");

        return new Options(family, address, port, unixDir, flags,
                path(raw.ca), path(raw.cert), path(raw.key), path(raw.pidFile), zombie, raw.daemon);
    }

    private static Path path(String s) {
        return s == null ? null : Path.of(s);
    }

    private static InetAddress literal(String text, boolean v6, String whole) throws UsageException {
        boolean looksV4 = text.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean looksV6 = text.contains(":") && text.matches("[0-9A-Fa-f:.]+");
        if (v6 ? !looksV6 : !looksV4) {
            throw new UsageException("-P " + whole + ": not an " + (v6 ? "IPv6" : "IPv4") + " address: " + text);
        }
        try {
            return InetAddress.getByName(text); // a literal: no name lookup happens
        } catch (UnknownHostException e) {
            throw new UsageException("-P " + whole + ": invalid address " + text);
        }
    }

    /** A number as strtol base 0 reads it (decimal, 0x hex, leading-0 octal), with no trailing junk. */
    private static int number(String text, int min, int max, String what) throws UsageException {
        long v;
        try {
            v = Long.decode(text.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(what + ": not a number: " + text);
        }
        if (v < min || v > max) {
            throw new UsageException(what + ": " + text + " is outside " + min + ".." + max);
        }
        return (int) v;
    }

    /** What picocli fills in; validated by {@link #validate}. */
    private static final class Raw {
        @Option(names = "-?", usageHelp = true)
        boolean help;

        @Option(names = "-v", versionHelp = true)
        boolean version;

        @Option(names = "-4")
        boolean ipv4;

        @Option(names = "-6")
        boolean ipv6;

        @Option(names = "-D")
        boolean daemon;

        @Option(names = "-O")
        List<String> options = new ArrayList<>();

        @Option(names = "-P")
        String port;

        @Option(names = "-U")
        String unixDir;

        @Option(names = "-C")
        String ca;

        @Option(names = "-c")
        String cert;

        @Option(names = "-p")
        String key;

        @Option(names = "-e")
        String pidFile;

        @Option(names = "-Z")
        String zombie;

        @Option(names = "-M")
        String mux;

        @Option(names = "-m")
        String meta;

        @CommandLine.Parameters
        List<String> positional = new ArrayList<>();
    }
}
