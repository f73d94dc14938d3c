package scremoted.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** 32-bit serial number order for sequence numbers. */
class SerialTest {

    @Test
    void ordinaryValues() {
        assertTrue(Serial.lt(0, 1));
        assertFalse(Serial.lt(1, 0));
        assertFalse(Serial.lt(5, 5));
        assertTrue(Serial.le(5, 5));
        assertTrue(Serial.le(4, 5));
        assertFalse(Serial.le(6, 5));
        assertTrue(Serial.lt(6, 23));
        assertFalse(Serial.lt(23, 6));
    }

    @Test
    void acrossTheWrap() {
        assertTrue(Serial.lt(0xffffffff, 0), "0xffffffff < 0");
        assertFalse(Serial.lt(0, 0xffffffff), "0 > 0xffffffff");
        assertTrue(Serial.le(0xffffffff, 0));
        assertFalse(Serial.le(0, 0xffffffff));
        assertTrue(Serial.lt(0xfffffff0, 0x10));
        assertFalse(Serial.lt(0x10, 0xfffffff0));
        assertTrue(Serial.lt(0xfffffffe, 0xffffffff));
        assertTrue(Serial.le(0xffffffff, 0xffffffff));
        assertFalse(Serial.lt(0xffffffff, 0xffffffff));
    }

    @Test
    void acrossTheSignBoundary() {
        // unsigned order, not Java's signed order
        assertTrue(Serial.lt(0x7fffffff, 0x80000000), "0x7fffffff < 0x80000000");
        assertFalse(Serial.lt(0x80000000, 0x7fffffff));
        assertTrue(Serial.le(0x7fffffff, 0x80000000));
        assertFalse(Serial.le(0x80000000, 0x7fffffff));
        assertTrue(Serial.lt(0x7ffffff0, 0x80000010));
    }

    @Test
    void halfTheSpaceApart() {
        // 2^31 - 1 ahead is still "after"; 2^31 + 1 ahead is "before"
        assertTrue(Serial.lt(0, 0x7fffffff));
        assertFalse(Serial.lt(0x7fffffff, 0));
        assertFalse(Serial.lt(0, 0x80000001));
        assertTrue(Serial.lt(0x80000001, 0));
        // exactly 2^31 apart is undefined in RFC 1982; like the C SEQ_LT ((int32_t)(a - b) < 0) both
        // orders then answer true for one pair direction only when a - b == INT_MIN
        assertEquals(cSeqLt(0, 0x80000000), Serial.lt(0, 0x80000000));
        assertEquals(cSeqLt(0x80000000, 0), Serial.lt(0x80000000, 0));
    }

    /** The C macro: SEQ_LT(a, b) is ((int32_t)((a) - (b)) &lt; 0). */
    private static boolean cSeqLt(int a, int b) {
        long d = (Integer.toUnsignedLong(a) - Integer.toUnsignedLong(b)) & 0xffffffffL;
        return d >= 0x80000000L;
    }

    @Test
    void agreesWithTheCMacroOnRandomPairs() {
        Random rnd = new Random(1982);
        for (int i = 0; i < 100_000; i++) {
            int a = rnd.nextInt();
            int b = i % 2 == 0 ? a + rnd.nextInt(2001) - 1000 : rnd.nextInt();
            assertEquals(cSeqLt(a, b), Serial.lt(a, b), a + " " + b);
            assertEquals(cSeqLt(a, b) || a == b, Serial.le(a, b), a + " " + b);
            if (a != b && (a - b) != Integer.MIN_VALUE) {
                assertTrue(Serial.lt(a, b) ^ Serial.lt(b, a), "exactly one order for " + a + " " + b);
            }
        }
    }

    @Test
    void smallStepsForwardAreAlwaysLater() {
        for (long base = 0xffffff00L; base <= 0x1_0000_0100L; base++) {
            int a = (int) base;
            assertTrue(Serial.lt(a, a + 1));
            assertTrue(Serial.lt(a, a + 1000));
            assertFalse(Serial.lt(a + 1, a));
            assertTrue(Serial.le(a, a));
        }
    }
}
