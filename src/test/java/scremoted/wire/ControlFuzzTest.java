package scremoted.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static scremoted.wire.WireTestSupport.concat;
import static scremoted.wire.WireTestSupport.hex;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random control payloads (fixed seeds): each one either decodes or is a ProtocolException, and what
 * decodes re-encodes to the same bytes.
 */
class ControlFuzzTest {
    private final int[] decodedByType = new int[256];
    private int rejected;

    /**
     * Decodes p and checks the outcome. The one input that decodes but re-encodes differently is the
     * MASTER_NEW that ends right after the magic (no name_len byte, which the C server accepts): it
     * means "no name", and the encoder writes scamper's form of that, name_len 0.
     */
    private void check(byte[] p) {
        Control c;
        try {
            c = Control.decode(p);
        } catch (ProtocolException e) {
            rejected++;
            return;
        } catch (Throwable t) {
            throw new AssertionError("decode of " + hex(p) + " threw " + t, t);
        }
        byte[] again;
        try {
            again = c.encode();
        } catch (Throwable t) {
            throw new AssertionError("re-encode of " + c + " from " + hex(p) + " threw " + t, t);
        }
        if (!Arrays.equals(p, again)) {
            boolean bareHello = p[0] == Control.MASTER_NEW && p.length == 2 + (p[1] & 0xff);
            assertTrue(bareHello, () -> "decoded " + hex(p) + " to " + c + " which encodes to " + hex(again));
            assertEquals(hex(concat(p, new byte[1])), hex(again), "bare MASTER_NEW");
            assertNull(((Control.MasterNew) c).name());
        }
        try {
            assertEquals(c, Control.decode(again), () -> "decode(encode(m)) for " + hex(p));
        } catch (ProtocolException e) {
            throw new AssertionError("re-encoding of " + hex(p) + " does not decode", e);
        }
        decodedByType[p[0] & 0xff]++;
    }

    private static final List<byte[]> VALID = List.of(
            new Control.MasterNew(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, "cap.vp").encode(),
            new Control.MasterNew(new byte[] {9}, null).encode(),
            new Control.MasterNew(new byte[] {9, 9}, "").encode(),
            new Control.MasterId("127.0.0.1:46962").encode(),
            new Control.ChannelNew(1).encode(),
            new Control.ChannelFin(0xffffffff).encode(),
            new Control.Keepalive().encode(),
            new Control.Ack(17).encode(),
            new Control.MasterRes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 6, 23, 23).encode(),
            new Control.MasterRej().encode(),
            new Control.MasterOk(23).encode());

    private static final byte[] NAME_BYTES = "ab.-Z9/_ :\u007f\u0080\u00ff\0".getBytes(StandardCharsets.ISO_8859_1);

    private static byte[] randomBytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static byte[] mutate(Random rnd, byte[] valid) {
        byte[] p = valid.clone();
        switch (rnd.nextInt(6)) {
            case 0 -> p[rnd.nextInt(p.length)] ^= (byte) (1 << rnd.nextInt(8));
            case 1 -> p[rnd.nextInt(p.length)] = (byte) rnd.nextInt(256);
            case 2 -> p = Arrays.copyOf(p, rnd.nextInt(p.length));
            case 3 -> p = concat(p, randomBytes(rnd, 1 + rnd.nextInt(4)));
            case 4 -> {
                if (p.length > 1) {
                    p[1] = (byte) (p[1] + rnd.nextInt(5) - 2);
                }
            }
            default -> {
                if (p.length > 2) {
                    p[p.length - 1 - rnd.nextInt(Math.min(p.length - 1, 3))] = (byte) rnd.nextInt(256);
                }
            }
        }
        return p;
    }

    /** MASTER_NEW and MASTER_ID shaped payloads whose lengths and characters are nearly right. */
    private static byte[] nearlyRightString(Random rnd) {
        int len = rnd.nextInt(12);
        byte[] s = new byte[len];
        for (int i = 0; i < len; i++) {
            s[i] = rnd.nextInt(4) == 0 ? NAME_BYTES[rnd.nextInt(NAME_BYTES.length)] : (byte) ('a' + rnd.nextInt(26));
        }
        if (len > 0 && rnd.nextBoolean()) {
            s[len - 1] = 0;
        }
        int declared = Math.max(0, len + rnd.nextInt(3) - 1);
        if (rnd.nextBoolean()) {
            byte[] id = concat(new byte[] {Control.MASTER_ID, (byte) declared}, s);
            return id;
        }
        int ml = rnd.nextInt(4);
        int declaredMagic = Math.max(0, ml + (rnd.nextInt(4) == 0 ? rnd.nextInt(3) - 1 : 0));
        byte[] head = concat(new byte[] {Control.MASTER_NEW, (byte) declaredMagic}, randomBytes(rnd, ml));
        return rnd.nextInt(8) == 0 ? head : concat(head, new byte[] {(byte) declared}, s);
    }

    @Test
    void randomPayloadsDecodeOrAreProtocolErrors() {
        Random rnd = new Random(0x5c_a3_e7_2026L);
        for (int i = 0; i < 300_000; i++) {
            byte[] p = switch (i % 5) {
                case 0 -> randomBytes(rnd, rnd.nextInt(24));
                case 1 -> {
                    byte[] b = randomBytes(rnd, 1 + rnd.nextInt(rnd.nextBoolean() ? 6 : 300));
                    b[0] = (byte) rnd.nextInt(10);
                    yield b;
                }
                case 2 -> mutate(rnd, VALID.get(rnd.nextInt(VALID.size())));
                case 3 -> nearlyRightString(rnd);
                default -> {
                    // type and a length byte that matches what follows, so that the length checks pass
                    int n = rnd.nextInt(20);
                    byte[] b = randomBytes(rnd, 2 + n + (rnd.nextBoolean() ? 12 : 0));
                    b[0] = (byte) (rnd.nextBoolean() ? Control.MASTER_RES : rnd.nextInt(2));
                    b[1] = (byte) n;
                    yield b;
                }
            };
            check(p);
        }
        for (int t = 0; t <= Control.MASTER_OK; t++) {
            assertTrue(decodedByType[t] >= 20, "type " + t + " decoded only " + decodedByType[t] + " times");
        }
        for (int t = Control.MASTER_OK + 1; t < 256; t++) {
            assertEquals(0, decodedByType[t], "unknown type " + t + " decoded");
        }
        assertTrue(rejected > 100_000, "rejected " + rejected);
    }

    @Test
    void everyShortPayload() {
        // every payload of up to 2 bytes, and every 3- and 5-byte payload of a known type with its
        // other bytes drawn from the interesting values
        check(new byte[0]);
        for (int a = 0; a < 256; a++) {
            check(new byte[] {(byte) a});
            for (int b = 0; b < 256; b++) {
                check(new byte[] {(byte) a, (byte) b});
            }
        }
        int[] vals = {0, 1, 2, 3, 8, 0x20, 0x2d, 0x2e, 0x41, 0x7f, 0x80, 0xff};
        for (int t = 0; t < 10; t++) {
            for (int b : vals) {
                for (int c : vals) {
                    check(new byte[] {(byte) t, (byte) b, (byte) c});
                    for (int d : vals) {
                        for (int e : vals) {
                            check(new byte[] {(byte) t, (byte) b, (byte) c, (byte) d, (byte) e});
                        }
                    }
                }
            }
        }
        // 1-byte: KEEPALIVE and MASTER_REJ; 5-byte: the four u32 messages; MASTER_NEW/MASTER_ID small forms
        assertEquals(1, decodedByType[Control.KEEPALIVE], "KEEPALIVE");
        assertEquals(1, decodedByType[Control.MASTER_REJ], "MASTER_REJ");
        assertEquals(12 * 12 * 12 * 12, decodedByType[Control.ACK], "ACK");
        assertTrue(decodedByType[Control.MASTER_NEW] > 0, "MASTER_NEW");
        assertTrue(decodedByType[Control.MASTER_ID] > 0, "MASTER_ID");
    }
}
