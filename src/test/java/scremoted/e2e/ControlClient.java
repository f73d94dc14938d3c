package scremoted.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client of a monitor's unix socket speaking scamper's text control protocol (without attach): sends
 * commands, reads OK/MORE/ERR lines and DATA blocks, decodes the warts bytes, keeps a transcript.
 */
final class ControlClient implements AutoCloseable {
    private static final Pattern DATA = Pattern.compile("^DATA (\\d+)( .*)?$");

    final Path path;
    private final SocketChannel channel;
    private final Selector selector;
    private final ByteBuffer in = ByteBuffer.allocate(65536);
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final ByteArrayOutputStream warts = new ByteArrayOutputStream();
    private final StringBuilder transcript = new StringBuilder();
    private final List<String> lines = new ArrayList<>();
    private boolean eof;

    private ControlClient(Path path, SocketChannel channel, Selector selector) {
        this.path = path;
        this.channel = channel;
        this.selector = selector;
    }

    static ControlClient connect(Path path) throws IOException {
        SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path));
        ch.configureBlocking(false);
        Selector sel = Selector.open();
        ch.register(sel, SelectionKey.OP_READ);
        return new ControlClient(path, ch, sel);
    }

    synchronized void send(String line) throws IOException {
        transcript.append(">> ").append(line).append('\n');
        ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (b.hasRemaining()) {
            if (channel.write(b) == 0) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException("could not write to " + path + " for 10 s");
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
        }
    }

    /** Like send, but the transcript only notes the size (for bulk input). */
    void sendQuietly(String text) throws IOException {
        int mark = transcript.length();
        send(text);
        transcript.setLength(mark);
        transcript.append(">> <").append(text.length() + 1).append(" bytes, ").append(text.split("\n").length)
                .append(" lines>\n");
    }

    void shutdownOutput() throws IOException {
        transcript.append(">> <shutdown write side>\n");
        channel.shutdownOutput();
    }

    /** Reads lines and DATA blocks until the decoded warts holds a record of the given type. */
    void awaitRecord(int type, Duration timeout) throws IOException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!E2e.wartsTypes(warts.toByteArray()).contains(type)) {
            if (!step(deadline)) {
                throw new IOException("EOF before a warts record of type " + type + " arrived");
            }
        }
    }

    /** Reads lines and DATA blocks until the decoded warts holds {@code count} records of the type. */
    void awaitRecords(int type, int count, Duration timeout) throws IOException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (E2e.wartsTypes(warts.toByteArray()).stream().filter(t -> t == type).count() < count) {
            if (!step(deadline)) {
                throw new IOException("EOF before " + count + " warts records of type " + type + " arrived");
            }
        }
    }

    /** Reads until the server closes the connection. */
    void readToEof(Duration timeout) throws IOException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (step(deadline)) {
            // keep reading
        }
    }

    /** Reads until a line (not DATA text) matching the pattern arrives; returns it. */
    String awaitLine(Pattern pattern, Duration timeout) throws IOException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (true) {
            for (; seen < lines.size(); seen++) {
                if (pattern.matcher(lines.get(seen)).matches()) {
                    return lines.get(seen);
                }
            }
            if (!step(deadline)) {
                throw new IOException("EOF before a line matching " + pattern);
            }
        }
    }

    /** One protocol unit: a line, or a DATA line with its block. False at EOF. */
    private boolean step(long deadline) throws IOException, TimeoutException {
        String line = readLine(deadline);
        if (line == null) {
            return false;
        }
        lines.add(line);
        if (lines.size() <= 200 || !line.startsWith("ERR ")) {
            transcript.append("<< ").append(line).append('\n');
        }
        Matcher m = DATA.matcher(line);
        if (m.matches()) {
            int n = Integer.parseInt(m.group(1));
            byte[] block = readBytes(n, deadline);
            if (block == null) {
                throw new IOException("EOF inside a DATA block of " + n + " bytes");
            }
            String text = new String(block, StandardCharsets.US_ASCII);
            transcript.append(text.indent(3));
            if (!text.endsWith("`\n")) {
                throw new IOException("DATA block does not end with a backquote line: " + text);
            }
            warts.writeBytes(E2e.uudecode(text));
        }
        return true;
    }

    private String readLine(long deadline) throws IOException, TimeoutException {
        while (true) {
            byte[] buf = pending.toByteArray();
            for (int i = 0; i < buf.length; i++) {
                if (buf[i] == '\n') {
                    consume(buf, i + 1);
                    return new String(buf, 0, i, StandardCharsets.US_ASCII);
                }
            }
            if (!fill(deadline)) {
                if (buf.length > 0) {
                    transcript.append("<< (partial line at EOF) ").append(new String(buf, StandardCharsets.US_ASCII));
                    pending.reset();
                }
                return null;
            }
        }
    }

    private byte[] readBytes(int n, long deadline) throws IOException, TimeoutException {
        while (pending.size() < n) {
            if (!fill(deadline)) {
                return null;
            }
        }
        byte[] buf = pending.toByteArray();
        byte[] out = java.util.Arrays.copyOf(buf, n);
        consume(buf, n);
        return out;
    }

    private void consume(byte[] buf, int n) {
        pending.reset();
        pending.write(buf, n, buf.length - n);
    }

    /** Reads more bytes into pending; false at EOF. */
    private boolean fill(long deadline) throws IOException, TimeoutException {
        if (eof) {
            return false;
        }
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException("timed out reading " + path);
            }
            selector.select(Math.max(1, left / 1_000_000));
            selector.selectedKeys().clear();
            in.clear();
            int r = channel.read(in);
            if (r < 0) {
                eof = true;
                transcript.append("<< <EOF>\n");
                return false;
            }
            if (r > 0) {
                pending.write(in.array(), 0, r);
                return true;
            }
        }
    }

    boolean atEof() {
        return eof;
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    byte[] warts() {
        return warts.toByteArray();
    }

    String transcript() {
        return "--- client transcript of " + path.getFileName() + " ---\n" + transcript;
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException e) {
            // ignore
        }
        try {
            channel.close();
        } catch (IOException e) {
            // ignore
        }
    }
}
