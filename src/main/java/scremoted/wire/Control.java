package scremoted.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The nine control messages carried on channel 0. */
public sealed interface Control {
    int MASTER_NEW = 0;
    int MASTER_ID = 1;
    int CHANNEL_NEW = 2;
    int CHANNEL_FIN = 3;
    int KEEPALIVE = 4;
    int ACK = 5;
    int MASTER_RES = 6;
    int MASTER_REJ = 7;
    int MASTER_OK = 8;

    /** The longest monitor name scamper sends, in characters (its length byte counts the NUL too). */
    int MAX_NAME = 254;

    /** The payload: the type byte, then the fields. */
    byte[] encode();

    /** Hello from a new scamper: its magic and, when started with -M, its monitor name (else null). */
    record MasterNew(byte[] magic, String name) implements Control {
        public MasterNew {
            checkMagic(magic);
            if (name != null) {
                checkName(name);
            }
        }

        @Override
        public byte[] encode() {
            int nameBytes = name == null ? 0 : name.length() + 1;
            byte[] p = new byte[2 + magic.length + 1 + nameBytes];
            p[0] = MASTER_NEW;
            p[1] = (byte) magic.length;
            System.arraycopy(magic, 0, p, 2, magic.length);
            p[2 + magic.length] = (byte) nameBytes;
            if (name != null) {
                byte[] n = name.getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(n, 0, p, 3 + magic.length, n.length);
            }
            return p;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MasterNew m && Arrays.equals(magic, m.magic) && java.util.Objects.equals(name, m.name);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(magic) * 31 + java.util.Objects.hashCode(name);
        }

        @Override
        public String toString() {
            return "MASTER_NEW magic=" + hex(magic) + (name == null ? "" : " name=" + name);
        }
    }

    /** The monitor's address as the server sees it; scamper names its lists after it. */
    record MasterId(String id) implements Control {
        public MasterId {
            if (id.isEmpty() || id.length() > 254 || !id.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("MASTER_ID must be 1..254 printable ASCII characters");
            }
        }

        @Override
        public byte[] encode() {
            byte[] s = id.getBytes(StandardCharsets.US_ASCII);
            byte[] p = new byte[2 + s.length + 1];
            p[0] = MASTER_ID;
            p[1] = (byte) (s.length + 1);
            System.arraycopy(s, 0, p, 2, s.length);
            return p;
        }
    }

    record ChannelNew(int channel) implements Control {
        @Override
        public byte[] encode() {
            return typeAndInt(CHANNEL_NEW, channel);
        }
    }

    record ChannelFin(int channel) implements Control {
        @Override
        public byte[] encode() {
            return typeAndInt(CHANNEL_FIN, channel);
        }
    }

    record Keepalive() implements Control {
        @Override
        public byte[] encode() {
            return new byte[] {KEEPALIVE};
        }
    }

    record Ack(int seq) implements Control {
        @Override
        public byte[] encode() {
            return typeAndInt(ACK, seq);
        }
    }

    /** Hello from a scamper that lost its connection and wants its session back. */
    record MasterRes(byte[] magic, int rcvNxt, int sndUna, int sndNxt) implements Control {
        public MasterRes {
            checkMagic(magic);
        }

        @Override
        public byte[] encode() {
            byte[] p = new byte[2 + magic.length + 12];
            p[0] = MASTER_RES;
            p[1] = (byte) magic.length;
            System.arraycopy(magic, 0, p, 2, magic.length);
            Frame.putInt(p, 2 + magic.length, rcvNxt);
            Frame.putInt(p, 6 + magic.length, sndUna);
            Frame.putInt(p, 10 + magic.length, sndNxt);
            return p;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MasterRes m && Arrays.equals(magic, m.magic)
                    && rcvNxt == m.rcvNxt && sndUna == m.sndUna && sndNxt == m.sndNxt;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(magic) * 31 + rcvNxt;
        }

        @Override
        public String toString() {
            return "MASTER_RES magic=" + hex(magic) + " rcv_nxt=" + Integer.toUnsignedString(rcvNxt)
                    + " snd_una=" + Integer.toUnsignedString(sndUna) + " snd_nxt=" + Integer.toUnsignedString(sndNxt);
        }
    }

    record MasterRej() implements Control {
        @Override
        public byte[] encode() {
            return new byte[] {MASTER_REJ};
        }
    }

    record MasterOk(int rcvNxt) implements Control {
        @Override
        public byte[] encode() {
            return typeAndInt(MASTER_OK, rcvNxt);
        }
    }

    /** Decodes a channel-0 payload; any deviation from the layouts above is a protocol error. */
    static Control decode(byte[] p) throws ProtocolException {
        if (p.length == 0) {
            throw new ProtocolException("empty control message");
        }
        int type = p[0] & 0xff;
        return switch (type) {
            case MASTER_NEW -> decodeMasterNew(p);
            case MASTER_ID -> decodeMasterId(p);
            case CHANNEL_NEW -> new ChannelNew(intPayload(p, "CHANNEL_NEW"));
            case CHANNEL_FIN -> new ChannelFin(intPayload(p, "CHANNEL_FIN"));
            case KEEPALIVE -> {
                exactLength(p, 1, "KEEPALIVE");
                yield new Keepalive();
            }
            case ACK -> new Ack(intPayload(p, "ACK"));
            case MASTER_RES -> decodeMasterRes(p);
            case MASTER_REJ -> {
                exactLength(p, 1, "MASTER_REJ");
                yield new MasterRej();
            }
            case MASTER_OK -> new MasterOk(intPayload(p, "MASTER_OK"));
            default -> throw new ProtocolException("unknown control type " + type);
        };
    }

    private static Control decodeMasterNew(byte[] p) throws ProtocolException {
        int magicLen = magicLength(p, "MASTER_NEW");
        byte[] magic = Arrays.copyOfRange(p, 2, 2 + magicLen);
        int at = 2 + magicLen;
        if (at == p.length) {
            return new MasterNew(magic, null);
        }
        int nameLen = p[at] & 0xff;
        at++;
        if (at + nameLen != p.length) {
            throw new ProtocolException("MASTER_NEW name length " + nameLen + " does not match the payload");
        }
        if (nameLen == 0) {
            return new MasterNew(magic, null);
        }
        if (p[p.length - 1] != 0) {
            throw new ProtocolException("MASTER_NEW monitor name is not NUL-terminated");
        }
        String name = new String(p, at, nameLen - 1, StandardCharsets.ISO_8859_1);
        if (!validName(name)) {
            throw new ProtocolException("MASTER_NEW monitor name has characters other than letters, digits, '.' and '-'");
        }
        return new MasterNew(magic, name);
    }

    private static Control decodeMasterId(byte[] p) throws ProtocolException {
        if (p.length < 3 || (p[1] & 0xff) != p.length - 2 || p[p.length - 1] != 0) {
            throw new ProtocolException("malformed MASTER_ID");
        }
        String id = new String(p, 2, p.length - 3, StandardCharsets.ISO_8859_1);
        try {
            return new MasterId(id);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("malformed MASTER_ID: " + e.getMessage());
        }
    }

    private static Control decodeMasterRes(byte[] p) throws ProtocolException {
        int magicLen = magicLength(p, "MASTER_RES");
        if (p.length != 2 + magicLen + 12) {
            throw new ProtocolException("MASTER_RES length " + p.length + " does not match magic length " + magicLen);
        }
        int at = 2 + magicLen;
        return new MasterRes(Arrays.copyOfRange(p, 2, at), Frame.getInt(p, at), Frame.getInt(p, at + 4), Frame.getInt(p, at + 8));
    }

    private static int magicLength(byte[] p, String what) throws ProtocolException {
        if (p.length < 2 || p[1] == 0) {
            throw new ProtocolException(what + " without a magic");
        }
        int magicLen = p[1] & 0xff;
        if (2 + magicLen > p.length) {
            throw new ProtocolException(what + " magic length " + magicLen + " exceeds the payload");
        }
        return magicLen;
    }

    private static int intPayload(byte[] p, String what) throws ProtocolException {
        exactLength(p, 5, what);
        return Frame.getInt(p, 1);
    }

    private static void exactLength(byte[] p, int length, String what) throws ProtocolException {
        if (p.length != length) {
            throw new ProtocolException(what + " payload of " + p.length + " bytes, expected " + length);
        }
    }

    private static byte[] typeAndInt(int type, int value) {
        byte[] p = new byte[5];
        p[0] = (byte) type;
        Frame.putInt(p, 1, value);
        return p;
    }

    /** Monitor names: ASCII letters, digits, '.' and '-', at most {@value #MAX_NAME} of them (may be empty). */
    static boolean validName(String name) {
        if (name.length() > MAX_NAME) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static void checkMagic(byte[] magic) {
        if (magic.length < 1 || magic.length > 255) {
            throw new IllegalArgumentException("magic must be 1..255 bytes");
        }
    }

    private static void checkName(String name) {
        if (!validName(name)) {
            throw new IllegalArgumentException("invalid monitor name: " + name);
        }
    }

    private static String hex(byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }
}
