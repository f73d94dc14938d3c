package scremoted.wire;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static scremoted.wire.WireTestSupport.ascii;
import static scremoted.wire.WireTestSupport.bytes;
import static scremoted.wire.WireTestSupport.concat;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every malformed control payload is a ProtocolException: never another exception, never a message. */
class MalformedControlTest {
    private static final byte[] MAGIC = bytes(0x2c, 0x66, 0x1f, 0x0b, 0xc3, 0xb2, 0xec, 0x40);
    private static final byte[] SEQS = bytes(0, 0, 0, 6, 0, 0, 0, 0x17, 0, 0, 0, 0x17);

    private static Arguments bad(String what, byte[] payload) {
        return Arguments.of(what, payload);
    }

    private static byte[] masterNew(byte[] nameField) {
        return concat(bytes(0, 8), MAGIC, nameField);
    }

    static Stream<Arguments> malformed() {
        List<Arguments> out = new ArrayList<>();
        out.add(bad("empty control payload", new byte[0]));
        out.add(bad("unknown type 9", bytes(9)));
        out.add(bad("unknown type 9 with a u32", bytes(9, 0, 0, 0, 1)));
        out.add(bad("unknown type 0x7f", bytes(0x7f)));
        out.add(bad("unknown type 0x80", bytes(0x80)));
        out.add(bad("unknown type 255", bytes(255)));
        out.add(bad("unknown type 255 with a u32", bytes(255, 0, 0, 0, 0)));

        String[] u32Types = {null, null, "CHANNEL_NEW", "CHANNEL_FIN", null, "ACK", null, null, "MASTER_OK"};
        for (int t = 0; t < u32Types.length; t++) {
            if (u32Types[t] == null) {
                continue;
            }
            out.add(bad(u32Types[t] + " type byte only", bytes(t)));
            out.add(bad(u32Types[t] + " 2-byte payload", bytes(t, 0)));
            out.add(bad(u32Types[t] + " 4-byte payload", bytes(t, 0, 0, 1)));
            out.add(bad(u32Types[t] + " 6-byte payload", bytes(t, 0, 0, 0, 1, 0)));
            out.add(bad(u32Types[t] + " 9-byte payload", bytes(t, 0, 0, 0, 1, 0, 0, 0, 2)));
        }
        out.add(bad("KEEPALIVE with 1 extra byte", bytes(4, 0)));
        out.add(bad("KEEPALIVE with 4 extra bytes", bytes(4, 0, 0, 0, 0)));
        out.add(bad("MASTER_REJ with 1 extra byte", bytes(7, 0)));
        out.add(bad("MASTER_REJ with 4 extra bytes", bytes(7, 0, 0, 0, 0)));

        // MASTER_NEW
        out.add(bad("MASTER_NEW type byte only", bytes(0)));
        out.add(bad("MASTER_NEW magic_len 0", bytes(0, 0)));
        out.add(bad("MASTER_NEW magic_len 0 then bytes", concat(bytes(0, 0), MAGIC, bytes(0))));
        out.add(bad("MASTER_NEW magic_len 8, 7 present", concat(bytes(0, 8), bytes(1, 2, 3, 4, 5, 6, 7))));
        out.add(bad("MASTER_NEW magic_len 1, none present", bytes(0, 1)));
        out.add(bad("MASTER_NEW magic_len 255, 254 present", concat(bytes(0, 255), new byte[254])));
        out.add(bad("MASTER_NEW name_len beyond payload", masterNew(concat(bytes(8), ascii("cap.vp"), bytes(0)))));
        out.add(bad("MASTER_NEW name_len 255, 2 bytes", masterNew(bytes(255, 'a', 0))));
        out.add(bad("MASTER_NEW name_len 1, nothing after", masterNew(bytes(1))));
        out.add(bad("MASTER_NEW name_len shorter than the rest (trailing junk)",
                masterNew(concat(bytes(7), ascii("cap.vp"), bytes(0), bytes('x')))));
        out.add(bad("MASTER_NEW name_len 2 with 7 bytes left", masterNew(concat(bytes(2), ascii("cap.vp"), bytes(0)))));
        out.add(bad("MASTER_NEW name_len 0 then junk", masterNew(bytes(0, 'a', 0))));
        out.add(bad("MASTER_NEW name_len 0 then a NUL", masterNew(bytes(0, 0))));
        out.add(bad("MASTER_NEW name not NUL-terminated", masterNew(concat(bytes(6), ascii("cap.vp")))));
        out.add(bad("MASTER_NEW name_len 1 not NUL", masterNew(bytes(1, 'a'))));
        for (String name : new String[] {"a/b", "../x", "a b", " ", "a_b", "a:b", "a\tb", "a\nb", "a+b", "a@b", "a\u007fb"}) {
            out.add(bad("MASTER_NEW name " + printable(name), masterNew(concat(bytes(name.length() + 1), ascii(name), bytes(0)))));
        }
        out.add(bad("MASTER_NEW name with byte 0x80", masterNew(bytes(4, 'a', 0x80, 'b', 0))));
        out.add(bad("MASTER_NEW name with byte 0xe9", masterNew(bytes(4, 'c', 'a', 0xe9, 0))));
        out.add(bad("MASTER_NEW name with byte 0xff", masterNew(bytes(2, 0xff, 0))));
        out.add(bad("MASTER_NEW name with embedded NUL", masterNew(bytes(4, 'a', 0, 'b', 0))));
        out.add(bad("MASTER_NEW name of two NULs", masterNew(bytes(2, 0, 0))));
        out.add(bad("MASTER_NEW name with UTF-8", masterNew(concat(bytes(6), "caf\u00e9".getBytes(java.nio.charset.StandardCharsets.UTF_8), bytes(0)))));

        // MASTER_RES
        out.add(bad("MASTER_RES type byte only", bytes(6)));
        out.add(bad("MASTER_RES magic_len 0", concat(bytes(6, 0), SEQS)));
        out.add(bad("MASTER_RES magic_len 0 with 8 more", concat(bytes(6, 0), MAGIC, SEQS)));
        out.add(bad("MASTER_RES magic_len beyond payload", concat(bytes(6, 255), MAGIC, SEQS)));
        out.add(bad("MASTER_RES one byte short", concat(bytes(6, 8), MAGIC, bytes(0, 0, 0, 6, 0, 0, 0, 0x17, 0, 0, 0))));
        out.add(bad("MASTER_RES one byte long", concat(bytes(6, 8), MAGIC, SEQS, bytes(0))));
        out.add(bad("MASTER_RES without sequence numbers", concat(bytes(6, 8), MAGIC)));
        out.add(bad("MASTER_RES magic_len 9 of 8 + 12", concat(bytes(6, 9), MAGIC, SEQS)));
        out.add(bad("MASTER_RES magic_len 7 of 8 + 12", concat(bytes(6, 7), MAGIC, SEQS)));

        // MASTER_ID
        out.add(bad("MASTER_ID type byte only", bytes(1)));
        out.add(bad("MASTER_ID id_len only", bytes(1, 0)));
        out.add(bad("MASTER_ID id_len 1 with no bytes", bytes(1, 1)));
        out.add(bad("MASTER_ID id_len too big", concat(bytes(1, 5), ascii("abc"), bytes(0))));
        out.add(bad("MASTER_ID id_len too small", concat(bytes(1, 3), ascii("abc"), bytes(0))));
        out.add(bad("MASTER_ID id_len 0 with bytes", concat(bytes(1, 0), ascii("abc"), bytes(0))));
        out.add(bad("MASTER_ID id_len 255 with 4 bytes", concat(bytes(1, 255), ascii("abc"), bytes(0))));
        out.add(bad("MASTER_ID missing NUL", concat(bytes(1, 3), ascii("abc"))));
        out.add(bad("MASTER_ID NUL then junk", concat(bytes(1, 4), ascii("ab"), bytes(0), ascii("c"))));
        out.add(bad("MASTER_ID embedded NUL", concat(bytes(1, 4), bytes('a', 0, 'b', 0))));
        out.add(bad("MASTER_ID control char", concat(bytes(1, 4), bytes('a', 1, 'b', 0))));
        out.add(bad("MASTER_ID newline", concat(bytes(1, 4), bytes('a', '\n', 'b', 0))));
        out.add(bad("MASTER_ID DEL", concat(bytes(1, 4), bytes('a', 0x7f, 'b', 0))));
        out.add(bad("MASTER_ID byte 0x80", concat(bytes(1, 4), bytes('a', 0x80, 'b', 0))));
        out.add(bad("MASTER_ID byte 0xff", concat(bytes(1, 2), bytes(0xff, 0))));
        return out.stream();
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder("'");
        for (char c : s.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return sb.append("'").toString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void isAProtocolException(String what, byte[] payload) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> Control.decode(payload), what);
        assertNotNull(e.getMessage(), what);
        if (payload.length > 0) {
            // the same payload framed and read from a stream
            byte[] frame = Frame.encode(0, 0, payload, 0, payload.length);
            assertThrows(ProtocolException.class,
                    () -> Messages.decode(new FrameReader(new ByteArrayInputStream(frame)).read()), what);
        }
    }

    @Test
    void theMalformedListIsNotTrivial() {
        // guard against the parameter source silently shrinking
        assertTrue(malformed().count() > 80);
    }
}
