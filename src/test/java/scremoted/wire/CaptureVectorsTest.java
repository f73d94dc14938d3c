package scremoted.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static scremoted.wire.WireTestSupport.hex;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import scremoted.wire.WireTestSupport.CapturedFrame;
import scremoted.wire.WireTestSupport.ChunkedInputStream;
import scremoted.wire.WireTestSupport.OneByteInputStream;

/**
 * Frames captured between real scamper and the C sc_remoted (src/test/resources/captures, copied from
 * shared/captures): every frame must parse, decode to what the annotation says, and re-encode to the
 * same bytes.
 */
class CaptureVectorsTest {

    /** The control message's fields, named as the capture annotations name them. */
    private static Map<String, String> describe(Control c) {
        Map<String, String> m = new LinkedHashMap<>();
        switch (c) {
            case Control.MasterNew n -> {
                m.put("magic_len", Integer.toString(n.magic().length));
                if (n.name() != null) {
                    m.put("name", n.name());
                }
            }
            case Control.MasterId i -> m.put("id", i.id());
            case Control.ChannelNew n -> m.put("channel", Integer.toUnsignedString(n.channel()));
            case Control.ChannelFin f -> m.put("channel", Integer.toUnsignedString(f.channel()));
            case Control.Keepalive k -> {}
            case Control.Ack a -> m.put("acks", Integer.toUnsignedString(a.seq()));
            case Control.MasterRes r -> {
                m.put("magic_len", Integer.toString(r.magic().length));
                m.put("rcv_nxt", Integer.toUnsignedString(r.rcvNxt()));
                m.put("snd_una", Integer.toUnsignedString(r.sndUna()));
                m.put("snd_nxt", Integer.toUnsignedString(r.sndNxt()));
            }
            case Control.MasterRej r -> {}
            case Control.MasterOk o -> m.put("rcv_nxt", Integer.toUnsignedString(o.rcvNxt()));
        }
        return m;
    }

    private static String kindOf(Control c) {
        return switch (c) {
            case Control.MasterNew n -> "MASTER_NEW";
            case Control.MasterId i -> "MASTER_ID";
            case Control.ChannelNew n -> "CHANNEL_NEW";
            case Control.ChannelFin f -> "CHANNEL_FIN";
            case Control.Keepalive k -> "KEEPALIVE";
            case Control.Ack a -> "ACK";
            case Control.MasterRes r -> "MASTER_RES";
            case Control.MasterRej r -> "MASTER_REJ";
            case Control.MasterOk o -> "MASTER_OK";
        };
    }

    /** How the capture tool prints data payloads: backslash doubled, newline as backslash backslash n. */
    private static String render(byte[] payload) {
        StringBuilder sb = new StringBuilder();
        for (byte b : payload) {
            int c = b & 0xff;
            if (c == '\\') {
                sb.append("\\\\");
            } else if (c == '\n') {
                sb.append("\\\\n");
            } else if (c >= 0x20 && c < 0x7f) {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\\\x%02x", c));
            }
        }
        return sb.toString();
    }

    private static Frame readOne(byte[] bytes) throws IOException {
        FrameReader r = new FrameReader(new ByteArrayInputStream(bytes));
        Frame f = r.read();
        assertNotNull(f, "no frame");
        assertNull(r.read(), "more than one frame in one hex line");
        return f;
    }

    @ParameterizedTest
    @ValueSource(strings = {"scamper-20211212.txt", "scamper-20260420.txt"})
    void everyFrameParsesDecodesAndReencodes(String file) throws IOException {
        List<CapturedFrame> frames = WireTestSupport.loadCapture(file);
        assertEquals(64, frames.size(), "frames in " + file);
        Set<String> kinds = new TreeSet<>();
        byte[] newMagic = null;
        byte[] resMagic = null;
        int controls = 0;
        int data = 0;

        for (CapturedFrame cf : frames) {
            String where = cf.toString();
            kinds.add(cf.kind());
            assertEquals(Frame.HEADER_LENGTH + cf.length(), cf.bytes().length, where + ": hex length vs len=");

            Frame f = readOne(cf.bytes());
            assertEquals(cf.seq(), Integer.toUnsignedLong(f.seq()), where + ": seq");
            assertEquals(cf.channel(), Integer.toUnsignedLong(f.channel()), where + ": channel");
            assertEquals(cf.length(), f.payload().length, where + ": length");
            assertEquals(cf.seq(), Integer.toUnsignedLong(Frame.seqOf(cf.bytes())), where + ": seqOf");
            assertEquals(cf.channel(), Integer.toUnsignedLong(Frame.channelOf(cf.bytes())), where + ": channelOf");
            assertEquals(cf.channel() == 0, f.isControl(), where + ": isControl");

            if (cf.kind().equals("DATA")) {
                data++;
                assertFalse(f.isControl(), where + ": DATA on channel 0");
                assertEquals(hex(cf.bytes()), hex(f.encode()), where + ": Frame.encode");
                String rest = cf.rawRest();
                String rendered = render(f.payload());
                if (rest.endsWith("'...")) {
                    String shown = rest.substring(1, rest.length() - 4);
                    assertTrue(rendered.startsWith(shown), where + ": payload " + rendered + " vs " + rest);
                } else {
                    assertTrue(rest.startsWith("'") && rest.endsWith("'"), where + ": " + rest);
                    assertEquals(rest.substring(1, rest.length() - 1), rendered, where + ": payload");
                }
            } else {
                controls++;
                assertTrue(f.isControl(), where + ": control message off channel 0");
                Control c = Messages.decode(f);
                assertEquals(c, Control.decode(f.payload()), where);
                assertEquals(cf.kind(), kindOf(c), where + ": type");
                assertEquals(cf.fields(), describe(c), where + ": fields");
                assertEquals(hex(cf.bytes()), hex(Messages.encode(f.seq(), c)), where + ": Messages.encode");
                assertEquals(hex(f.payload()), hex(c.encode()), where + ": Control.encode");
                if (c instanceof Control.MasterNew n) {
                    newMagic = n.magic();
                }
                if (c instanceof Control.MasterRes r) {
                    resMagic = r.magic();
                }
                if (c instanceof Control.MasterId i) {
                    assertTrue(i.id().matches("127\\.0\\.0\\.1:\\d+"), where + ": id " + i.id());
                }
            }
        }

        assertEquals(Set.of("MASTER_NEW", "MASTER_ID", "CHANNEL_NEW", "CHANNEL_FIN", "KEEPALIVE", "ACK",
                "MASTER_RES", "MASTER_OK", "DATA"), kinds, file);
        assertTrue(controls > 30 && data > 20, "controls " + controls + " data " + data);
        // the resumption carries the magic of the original hello
        assertNotNull(newMagic);
        assertNotNull(resMagic);
        assertArrayEquals(newMagic, resMagic, "MASTER_RES magic vs MASTER_NEW magic");
    }

    @Test
    void bothCapturesAgreeOnTheConversationShape() {
        List<CapturedFrame> a = WireTestSupport.loadCapture(WireTestSupport.CAPTURES[0]);
        List<CapturedFrame> b = WireTestSupport.loadCapture(WireTestSupport.CAPTURES[1]);
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).kind(), b.get(i).kind(), a.get(i) + " vs " + b.get(i));
            assertEquals(a.get(i).seq(), b.get(i).seq(), a.get(i) + " vs " + b.get(i));
            assertEquals(a.get(i).channel(), b.get(i).channel(), a.get(i) + " vs " + b.get(i));
        }
    }

    private static byte[] joined(List<CapturedFrame> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frames.forEach(f -> out.writeBytes(f.bytes()));
        return out.toByteArray();
    }

    private static void assertStreamGives(List<CapturedFrame> expected, InputStream in, String what) throws IOException {
        FrameReader r = new FrameReader(in);
        for (CapturedFrame cf : expected) {
            Frame f = r.read();
            assertNotNull(f, what + ": stream ended before " + cf);
            assertEquals(hex(cf.bytes()), hex(f.encode()), what + ": " + cf);
        }
        assertNull(r.read(), what + ": extra frame at the end");
        assertNull(r.read(), what + ": read after the end");
    }

    @ParameterizedTest
    @ValueSource(strings = {"scamper-20211212.txt", "scamper-20260420.txt"})
    void oneDirectionAsOneStream(String file) throws IOException {
        List<CapturedFrame> all = WireTestSupport.loadCapture(file);
        Map<String, Function<byte[], InputStream>> streams = new LinkedHashMap<>();
        streams.put("whole", ByteArrayInputStream::new);
        streams.put("1-byte", OneByteInputStream::new);
        streams.put("chunks<=7", b -> new ChunkedInputStream(b, 7, 7));
        streams.put("chunks<=300", b -> new ChunkedInputStream(b, 300, 300));

        List<List<CapturedFrame>> groups = new ArrayList<>();
        groups.add(all);
        for (String dir : List.of("scamper->remoted", "remoted->scamper")) {
            List<CapturedFrame> d = all.stream().filter(f -> f.direction().equals(dir)).toList();
            assertTrue(d.size() > 10, dir);
            groups.add(d);
            // per connection as well: conn1 and conn2 were separate TCP streams
            for (String conn : List.of("conn1", "conn2")) {
                List<CapturedFrame> dc = d.stream().filter(f -> f.connection().equals(conn)).toList();
                assertFalse(dc.isEmpty(), dir + " " + conn);
                groups.add(dc);
            }
        }
        for (List<CapturedFrame> g : groups) {
            byte[] joined = joined(g);
            for (var e : streams.entrySet()) {
                assertStreamGives(g, e.getValue().apply(joined), file + " " + e.getKey() + " " + g.size() + " frames");
            }
        }
    }

    @Test
    void oneByteStreamReallyDeliversOneByteAtATime() throws IOException {
        List<CapturedFrame> all = WireTestSupport.loadCapture(WireTestSupport.CAPTURES[0]);
        byte[] joined = joined(all);
        OneByteInputStream in = new OneByteInputStream(joined);
        FrameReader r = new FrameReader(in);
        int n = 0;
        while (r.read() != null) {
            n++;
        }
        assertEquals(all.size(), n);
        // each byte took a read call, plus the final end-of-stream
        assertTrue(in.reads >= joined.length, "reads " + in.reads + " bytes " + joined.length);
    }

    @Test
    void classpathCopiesMatchSharedCaptures() throws IOException {
        Path shared = Path.of("").toAbsolutePath().getParent().resolve("shared/captures");
        Assumptions.assumeTrue(Files.isDirectory(shared), "no shared/captures beside the project");
        for (String name : WireTestSupport.CAPTURES) {
            try (InputStream in = CaptureVectorsTest.class.getResourceAsStream("/captures/" + name)) {
                assertNotNull(in, name);
                assertArrayEquals(Files.readAllBytes(shared.resolve(name)), in.readAllBytes(),
                        name + ": src/test/resources/captures copy differs from shared/captures");
            }
        }
    }

    @Test
    void annotationParserRejectsGarbage() {
        // guards the vector test itself: a line it cannot parse must not be skipped silently
        IllegalStateException e1 = assertThrows(IllegalStateException.class, () -> WireTestSupport.parseCapture(
                "x", "  0.0 conn1 scamper->remoted seq=0 chan=0 len=1 KEEPALIVE\nnot hex\n"));
        assertTrue(e1.getMessage().contains("expected a hex line"), e1.getMessage());
        IllegalStateException e2 = assertThrows(IllegalStateException.class,
                () -> WireTestSupport.parseCapture("x", "garbage\n"));
        assertTrue(e2.getMessage().contains("not an annotation"), e2.getMessage());
        IllegalStateException e3 = assertThrows(IllegalStateException.class, () -> WireTestSupport.parseCapture(
                "x", "  0.0 conn1 scamper->remoted seq=0 chan=0 len=5 ACK acks=1 ???\n hex 000000000000000000050500000001\n"));
        assertTrue(e3.getMessage().contains("unparsed"), e3.getMessage());
    }
}
