package scremoted.wire;

/** 32-bit serial number arithmetic for sequence numbers, which wrap past 2^32-1 to 0. */
public final class Serial {
    private Serial() {}

    /** a &lt; b in serial order. */
    public static boolean lt(int a, int b) {
        return a - b < 0;
    }

    /** a &lt;= b in serial order. */
    public static boolean le(int a, int b) {
        return a - b <= 0;
    }
}
