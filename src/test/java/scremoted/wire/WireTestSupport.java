package scremoted.wire;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ScatteringByteChannel;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Helpers shared by the wire tests: hex, capture files, and streams that deliver bytes in pieces. */
final class WireTestSupport {
    private WireTestSupport() {}

    static final String[] CAPTURES = {"scamper-20211212.txt", "scamper-20260420.txt"};

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A header announcing the given payload length (which need not match what follows). */
    static byte[] header(int seq, int channel, int length) {
        byte[] h = new byte[Frame.HEADER_LENGTH];
        Frame.putInt(h, 0, seq);
        Frame.putInt(h, 4, channel);
        h[8] = (byte) (length >>> 8);
        h[9] = (byte) length;
        return h;
    }

    /** An InputStream that hands out at most one byte per read call. */
    /**
     * A byte array as a channel that gives at most {@code chunk} bytes per read call, spread over
     * as many of a scattering read's buffers as they fill, as a socket's readv does.
     */
    static final class ChunkedScatterChannel implements ScatteringByteChannel {
        private final byte[] data;
        private final int chunk;
        private int pos;
        int calls;

        ChunkedScatterChannel(byte[] data, int chunk) {
            this.data = data;
            this.chunk = chunk;
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) {
            calls++;
            if (pos >= data.length) {
                return -1;
            }
            int budget = Math.min(chunk, data.length - pos);
            int total = 0;
            for (int i = offset; i < offset + length && total < budget; i++) {
                int n = Math.min(dsts[i].remaining(), budget - total);
                dsts[i].put(data, pos, n);
                pos += n;
                total += n;
            }
            return total;
        }

        @Override
        public long read(ByteBuffer[] dsts) {
            return read(dsts, 0, dsts.length);
        }

        @Override
        public int read(ByteBuffer dst) {
            return (int) read(new ByteBuffer[] {dst});
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {}
    }

    static final class OneByteInputStream extends InputStream {
        private final byte[] data;
        private int pos;
        int reads;

        OneByteInputStream(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() {
            reads++;
            return pos < data.length ? data[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            reads++;
            if (pos >= data.length) {
                return -1;
            }
            b[off] = data[pos++];
            return 1;
        }
    }

    /** An InputStream that hands out pseudo-random chunk sizes (1..maxChunk) per read call. */
    static final class ChunkedInputStream extends InputStream {
        private final byte[] data;
        private final Random random;
        private final int maxChunk;
        private int pos;

        ChunkedInputStream(byte[] data, long seed, int maxChunk) {
            this.data = data;
            this.random = new Random(seed);
            this.maxChunk = maxChunk;
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (pos >= data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, 1 + random.nextInt(maxChunk)), data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    /** One annotated frame of a capture file: the annotation line and the frame bytes under it. */
    record CapturedFrame(
            String file,
            int lineNumber,
            String connection,
            String direction,
            long seq,
            long channel,
            int length,
            String kind,
            Map<String, String> fields,
            String rawRest,
            byte[] bytes) {

        @Override
        public String toString() {
            return file + ":" + lineNumber + " " + connection + " " + direction + " " + kind + " seq=" + seq;
        }
    }

    private static final Pattern ANNOTATION = Pattern.compile(
            "^\\s*(\\d+\\.\\d+)\\s+(conn\\d+)\\s+(scamper->remoted|remoted->scamper)\\s+"
                    + "seq=(\\d+)\\s+chan=(\\d+)\\s+len=(\\d+)\\s+([A-Z_]+)\\s*(.*?)\\s*$");
    private static final Pattern HEX_LINE = Pattern.compile("^\\s*hex\\s+([0-9a-f]+)\\s*$");
    private static final Pattern FIELD = Pattern.compile("(\\w+)=('[^']*'|\\S+)");

    static List<CapturedFrame> loadCapture(String name) {
        String text;
        try (InputStream in = WireTestSupport.class.getResourceAsStream("/captures/" + name)) {
            if (in == null) {
                throw new IllegalStateException("capture " + name + " missing from the test classpath");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parseCapture(name, text);
    }

    static List<CapturedFrame> parseCapture(String name, String text) {
        String[] lines = text.split("\n", -1);
        List<CapturedFrame> out = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) {
                continue;
            }
            Matcher a = ANNOTATION.matcher(line);
            if (!a.matches()) {
                throw new IllegalStateException(name + ":" + (i + 1) + ": not an annotation line: " + line);
            }
            if (i + 1 >= lines.length) {
                throw new IllegalStateException(name + ":" + (i + 1) + ": annotation without a hex line");
            }
            Matcher h = HEX_LINE.matcher(lines[i + 1]);
            if (!h.matches()) {
                throw new IllegalStateException(name + ":" + (i + 2) + ": expected a hex line: " + lines[i + 1]);
            }
            String kind = a.group(7);
            String rest = a.group(8);
            Map<String, String> fields = new LinkedHashMap<>();
            if (!kind.equals("DATA")) {
                Matcher f = FIELD.matcher(rest);
                int consumed = 0;
                while (f.find()) {
                    if (!rest.substring(consumed, f.start()).isBlank()) {
                        throw new IllegalStateException(name + ":" + (i + 1) + ": unparsed text in " + rest);
                    }
                    String v = f.group(2);
                    if (v.startsWith("'")) {
                        v = v.substring(1, v.length() - 1);
                    }
                    fields.put(f.group(1), v);
                    consumed = f.end();
                }
                if (!rest.substring(consumed).isBlank()) {
                    throw new IllegalStateException(name + ":" + (i + 1) + ": unparsed text in " + rest);
                }
            }
            out.add(new CapturedFrame(
                    name,
                    i + 1,
                    a.group(2),
                    a.group(3),
                    Long.parseLong(a.group(4)),
                    Long.parseLong(a.group(5)),
                    Integer.parseInt(a.group(6)),
                    kind,
                    fields,
                    rest,
                    hex(h.group(1))));
            i++;
        }
        return out;
    }
}
