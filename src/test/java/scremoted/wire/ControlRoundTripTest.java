package scremoted.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static scremoted.wire.WireTestSupport.ascii;
import static scremoted.wire.WireTestSupport.bytes;
import static scremoted.wire.WireTestSupport.concat;
import static scremoted.wire.WireTestSupport.hex;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Encode and decode of all nine control messages, with their exact byte layouts and boundary values. */
class ControlRoundTripTest {
    private static final int[] INTS = {0, 1, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0x01020304};
    private static final int[] SEQS = {0, 1, 0x7fffffff, 0x80000000, 0xffffffff};

    private static byte[] magic(int n) {
        byte[] m = new byte[n];
        for (int i = 0; i < n; i++) {
            m[i] = (byte) (0xa5 ^ i * 7);
        }
        return m;
    }

    private static byte[] be32(int v) {
        return bytes(v >>> 24, v >>> 16, v >>> 8, v);
    }

    /** Every message paired with the exact payload it must encode to. */
    static Stream<Arguments> messages() {
        List<Arguments> out = new ArrayList<>();
        for (int v : INTS) {
            out.add(Arguments.of(new Control.ChannelNew(v), concat(bytes(2), be32(v))));
            out.add(Arguments.of(new Control.ChannelFin(v), concat(bytes(3), be32(v))));
            out.add(Arguments.of(new Control.Ack(v), concat(bytes(5), be32(v))));
            out.add(Arguments.of(new Control.MasterOk(v), concat(bytes(8), be32(v))));
        }
        out.add(Arguments.of(new Control.Keepalive(), bytes(4)));
        out.add(Arguments.of(new Control.MasterRej(), bytes(7)));

        String name254 = "a".repeat(100) + "Z".repeat(100) + "0123456789".repeat(5) + ".-.-";
        assertEquals(254, name254.length());
        for (int ml : new int[] {1, 8, 254, 255}) {
            byte[] m = magic(ml);
            // no name: scamper always sends a name_len byte of 0
            out.add(Arguments.of(new Control.MasterNew(m, null), concat(bytes(0, ml), m, bytes(0))));
            // empty name: name_len 1, just the NUL
            out.add(Arguments.of(new Control.MasterNew(m, ""), concat(bytes(0, ml), m, bytes(1, 0))));
            out.add(Arguments.of(new Control.MasterNew(m, "x"), concat(bytes(0, ml), m, bytes(2), ascii("x"), bytes(0))));
            out.add(Arguments.of(new Control.MasterNew(m, "cap.vp"),
                    concat(bytes(0, ml), m, bytes(7), ascii("cap.vp"), bytes(0))));
            out.add(Arguments.of(new Control.MasterNew(m, name254),
                    concat(bytes(0, ml), m, bytes(255), ascii(name254), bytes(0))));
            for (int v : new int[] {0, 0x80000000, 0xffffffff}) {
                out.add(Arguments.of(new Control.MasterRes(m, v, v + 1, v + 2),
                        concat(bytes(6, ml), m, be32(v), be32(v + 1), be32(v + 2))));
            }
        }
        String allNameChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-";
        out.add(Arguments.of(new Control.MasterNew(magic(8), allNameChars),
                concat(bytes(0, 8), magic(8), bytes(allNameChars.length() + 1), ascii(allNameChars), bytes(0))));

        String id254 = "9".repeat(254);
        for (String id : List.of("x", "198.51.100.55:1025", "[2001:db8::1]:65535", "~!\"#$%&'()*+,-./", id254)) {
            out.add(Arguments.of(new Control.MasterId(id), concat(bytes(1, id.length() + 1), ascii(id), bytes(0))));
        }
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("messages")
    void encodesToTheLayoutAndDecodesBack(Control message, byte[] payload) throws IOException {
        assertEquals(hex(payload), hex(message.encode()), "encode");
        Control back = Control.decode(payload);
        assertEquals(message, back, "decode");
        assertEquals(message.hashCode(), back.hashCode(), "hashCode");
        assertEquals(message.getClass(), back.getClass());
        assertEquals(hex(payload), hex(back.encode()), "re-encode");

        for (int seq : SEQS) {
            byte[] frame = Messages.encode(seq, message);
            assertEquals(hex(concat(WireTestSupport.header(seq, 0, payload.length), payload)), hex(frame), "frame");
            assertEquals(seq, Frame.seqOf(frame));
            assertEquals(0, Frame.channelOf(frame));
            FrameReader r = new FrameReader(new ByteArrayInputStream(frame));
            Frame f = r.read();
            assertNotNull(f);
            assertEquals(seq, f.seq());
            assertTrue(f.isControl());
            assertEquals(message, Messages.decode(f));
            assertNull(r.read());
        }
    }

    @Test
    void masterNewWithoutNameByteDecodesToNoName() throws ProtocolException {
        // the C server accepts a hello that ends right after the magic
        Control c = Control.decode(concat(bytes(0, 8), magic(8)));
        Control.MasterNew n = assertInstanceOf(Control.MasterNew.class, c);
        assertNull(n.name());
        assertArrayEquals(magic(8), n.magic());
        // and the name_len 0 form means the same
        assertEquals(n, Control.decode(concat(bytes(0, 8), magic(8), bytes(0))));
        // the encoder writes scamper's form: name_len 0 present
        assertEquals(hex(concat(bytes(0, 8), magic(8), bytes(0))), hex(n.encode()));
    }

    @Test
    void emptyNameIsDistinctFromNoName() throws ProtocolException {
        Control.MasterNew empty = (Control.MasterNew) Control.decode(concat(bytes(0, 1, 9, 1, 0)));
        assertEquals("", empty.name());
        assertNotEquals(new Control.MasterNew(bytes(9), null), empty);
    }

    @Test
    void arrayFieldsCompareByContent() throws ProtocolException {
        byte[] p = concat(bytes(6, 8), magic(8), be32(1), be32(2), be32(3));
        Control a = Control.decode(p);
        Control b = Control.decode(p.clone());
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, Control.decode(concat(bytes(6, 8), magic(7), bytes(0), be32(1), be32(2), be32(3))));
        assertNotEquals(a, new Control.MasterRes(magic(8), 1, 2, 4));
        assertNotEquals(a, new Control.MasterRes(magic(8), 1, 3, 3));
        assertNotEquals(a, new Control.MasterRes(magic(8), 0, 2, 3));
        assertNotEquals(new Control.MasterNew(magic(8), "a"), new Control.MasterNew(magic(8), "b"));
        assertNotEquals(new Control.MasterNew(magic(8), "a"), new Control.MasterNew(magic(9), "a"));
    }

    @Test
    void decodedMagicIsACopy() throws ProtocolException {
        byte[] p = concat(bytes(0, 4, 1, 2, 3, 4, 0));
        Control.MasterNew n = (Control.MasterNew) Control.decode(p);
        p[2] = 99;
        assertArrayEquals(bytes(1, 2, 3, 4), n.magic());
    }

    @Test
    void toStringShowsFields() {
        assertTrue(new Control.MasterNew(bytes(0xab, 0xcd), "vp1").toString().contains("abcd"));
        assertTrue(new Control.MasterNew(bytes(0xab, 0xcd), "vp1").toString().contains("vp1"));
        String res = new Control.MasterRes(bytes(1), 0xffffffff, 2, 3).toString();
        assertTrue(res.contains("4294967295"), res);
    }

    static Stream<Arguments> invalidConstructions() {
        return Stream.of(
                Arguments.of("MasterNew empty magic", (Runnable) () -> new Control.MasterNew(new byte[0], null)),
                Arguments.of("MasterNew 256-byte magic", (Runnable) () -> new Control.MasterNew(new byte[256], null)),
                Arguments.of("MasterNew 255-char name", (Runnable) () -> new Control.MasterNew(magic(8), "a".repeat(255))),
                Arguments.of("MasterNew name with '_'", (Runnable) () -> new Control.MasterNew(magic(8), "a_b")),
                Arguments.of("MasterNew name with '/'", (Runnable) () -> new Control.MasterNew(magic(8), "a/b")),
                Arguments.of("MasterNew name with NUL", (Runnable) () -> new Control.MasterNew(magic(8), "a\0b")),
                Arguments.of("MasterNew name non-ASCII", (Runnable) () -> new Control.MasterNew(magic(8), "caf\u00e9")),
                Arguments.of("MasterRes empty magic", (Runnable) () -> new Control.MasterRes(new byte[0], 0, 0, 0)),
                Arguments.of("MasterRes 256-byte magic", (Runnable) () -> new Control.MasterRes(new byte[256], 0, 0, 0)),
                Arguments.of("MasterId empty", (Runnable) () -> new Control.MasterId("")),
                Arguments.of("MasterId 255 chars", (Runnable) () -> new Control.MasterId("1".repeat(255))),
                Arguments.of("MasterId control char", (Runnable) () -> new Control.MasterId("a\tb")),
                Arguments.of("MasterId non-ASCII", (Runnable) () -> new Control.MasterId("\u00e9")));
    }

    /** Values that cannot be encoded are refused when built, before they could be truncated on the wire. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidConstructions")
    void unencodableValuesAreRefused(String what, Runnable construct) {
        assertThrows(IllegalArgumentException.class, construct::run, what);
    }

    @Test
    void decodeOfADataFrameIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> Messages.decode(new Frame(0, 1, bytes(4))));
    }

    @Test
    void typeConstantsMatchTheProtocol() {
        assertEquals(0, Control.MASTER_NEW);
        assertEquals(1, Control.MASTER_ID);
        assertEquals(2, Control.CHANNEL_NEW);
        assertEquals(3, Control.CHANNEL_FIN);
        assertEquals(4, Control.KEEPALIVE);
        assertEquals(5, Control.ACK);
        assertEquals(6, Control.MASTER_RES);
        assertEquals(7, Control.MASTER_REJ);
        assertEquals(8, Control.MASTER_OK);
        assertEquals(254, Control.MAX_NAME);
    }
}
