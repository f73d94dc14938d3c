package scremoted.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static scremoted.wire.WireTestSupport.bytes;
import static scremoted.wire.WireTestSupport.hex;

import org.junit.jupiter.api.Test;

class FrameTest {

    @Test
    void encodeLaysOutTheHeaderBigEndian() {
        byte[] e = new Frame(0x01020304, 0xa0b0c0d0, bytes(0xee, 0xff)).encode();
        assertEquals("01020304" + "a0b0c0d0" + "0002" + "eeff", hex(e));
        assertEquals("ffffffff" + "ffffffff" + "0001" + "00", hex(new Frame(-1, -1, bytes(0)).encode()));
        assertEquals("00000000" + "00000000" + "0001" + "04", hex(new Frame(0, 0, bytes(4)).encode()));
    }

    @Test
    void encodeWithOffsetTakesTheSlice() {
        byte[] buf = bytes(9, 9, 1, 2, 3, 9);
        assertEquals("00000005" + "00000007" + "0003" + "010203", hex(Frame.encode(5, 7, buf, 2, 3)));
    }

    @Test
    void payloadLengthLimits() {
        assertThrows(IllegalArgumentException.class, () -> new Frame(0, 1, new byte[0]).encode());
        assertThrows(IllegalArgumentException.class, () -> Frame.encode(0, 1, new byte[10], 3, 0));
        assertThrows(IllegalArgumentException.class, () -> new Frame(0, 1, new byte[65536]).encode());
        assertThrows(IllegalArgumentException.class, () -> Frame.encode(0, 1, new byte[70000], 0, 65536));
        assertThrows(IllegalArgumentException.class, () -> Frame.encode(0, 1, new byte[10], 0, -1));

        byte[] max = new byte[Frame.MAX_PAYLOAD];
        max[0] = 1;
        max[max.length - 1] = 2;
        byte[] e = new Frame(3, 4, max).encode();
        assertEquals(Frame.HEADER_LENGTH + 65535, e.length);
        assertEquals((byte) 0xff, e[8]);
        assertEquals((byte) 0xff, e[9]);
        assertEquals(1, e[10]);
        assertEquals(2, e[e.length - 1]);
        assertEquals("0100", hex(java.util.Arrays.copyOfRange(new Frame(0, 0, new byte[256]).encode(), 8, 10)));
    }

    @Test
    void stampSeqRewritesOnlyTheSequence() {
        byte[] e = new Frame(0, 0x11223344, bytes(5, 0, 0, 0, 7)).encode();
        byte[] before = e.clone();
        Frame.stampSeq(e, 0xdeadbeef);
        assertEquals(0xdeadbeef, Frame.seqOf(e));
        assertEquals(0x11223344, Frame.channelOf(e));
        assertEquals("deadbeef", hex(java.util.Arrays.copyOf(e, 4)));
        assertArrayEquals(java.util.Arrays.copyOfRange(before, 4, before.length), java.util.Arrays.copyOfRange(e, 4, e.length));
        Frame.stampSeq(e, 0);
        assertArrayEquals(before, e);
        Frame.stampSeq(e, 0xffffffff);
        assertEquals(0xffffffff, Frame.seqOf(e));
    }

    @Test
    void seqOfAndChannelOfReadUnsignedBigEndian() {
        for (int v : new int[] {0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x00ff00ff, 0xff00ff00}) {
            byte[] e = new Frame(v, ~v, bytes(1)).encode();
            assertEquals(v, Frame.seqOf(e));
            assertEquals(~v, Frame.channelOf(e));
        }
    }

    @Test
    void isControlMeansChannelZero() {
        assertTrue(new Frame(5, 0, bytes(4)).isControl());
        assertFalse(new Frame(5, 1, bytes(4)).isControl());
        assertFalse(new Frame(5, 0x80000000, bytes(4)).isControl());
    }

    @Test
    void constantsMatchTheProtocol() {
        assertEquals(10, Frame.HEADER_LENGTH);
        assertEquals(65535, Frame.MAX_PAYLOAD);
    }
}
