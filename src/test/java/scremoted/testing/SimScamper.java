package scremoted.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import scremoted.wire.Control;
import scremoted.wire.Frame;
import scremoted.wire.FrameReader;
import scremoted.wire.Messages;
import scremoted.wire.ProtocolException;
import scremoted.wire.Serial;

/**
 * A simulated remote scamper ("monitor") speaking the sc_remoted protocol over a plain (or TLS) socket.
 *
 * <p>It keeps snd_nxt / rcv_nxt and a retransmit queue as scamper does; a reader thread per connection
 * records every frame, checks that each frame's sequence equals rcv_nxt, acknowledges reliable messages
 * in order (switchable), and checks that every ACK it receives names its oldest unacknowledged message.
 * Any deviation is recorded in {@link #violations()}; tests assert there are none. A writer thread per
 * connection sends frames from an unbounded queue, so the sim never blocks the test thread or its own
 * reader (like scamper's non-blocking I/O).
 *
 * <p>Threads: the test thread calls the public methods; one reader and one writer (platform daemon threads)
 * per connection; one optional keepalive thread. All state is guarded by {@code this}.
 */
public final class SimScamper implements AutoCloseable {

    /** Opens a new connection to the server (plain TCP, or a TLS socket already handshaken). */
    @FunctionalInterface
    public interface Connector {
        Socket connect() throws IOException;
    }

    /** What the reader does with the frames it receives. */
    public enum Mode {
        /** Process and acknowledge each reliable message at once, as scamper does. */
        ACK,
        /** Process (count in rcv_nxt, record) but do not acknowledge; {@link #ackPending()} later. */
        NOACK,
        /** Pretend the frames never arrived: recorded in {@link #discarded()} only, state untouched. */
        DISCARD
    }

    public enum ResumeResult { OK, REJECTED }

    /** A frame as received, with the time it was received. */
    public record Received(long nanos, Frame frame) {}

    private record Pending(int seq, int channel, boolean fin, byte[] frame) {}

    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    private final Connector connector;
    private final byte[] magic;
    private final String name;

    // --- sequence state (guarded by this)
    private int sndNxt;
    private int rcvNxt;
    private final ArrayDeque<Pending> unacked = new ArrayDeque<>();
    private final List<Integer> notYetAcked = new ArrayList<>();

    // --- records (guarded by this)
    private final List<Received> received = new ArrayList<>();
    private final List<Frame> discarded = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final Map<Integer, ByteArrayOutputStream> data = new LinkedHashMap<>();
    private final List<Integer> channelsNew = new ArrayList<>();
    private int channelsConsumed;
    private final Set<Integer> finsReceived = new HashSet<>();
    private final Set<Integer> finsSent = new HashSet<>();
    /**
     * Channels whose FIN from us the server has acknowledged, with the sequence number that ACK carried (the
     * server's snd_nxt when it processed our FIN): nothing stamped from then on may name the channel. A
     * retransmission of something stamped earlier is legitimate (section 14's crossing FINs).
     */
    private final Map<Integer, Integer> dead = new HashMap<>();
    private final List<String> ackLog = new ArrayList<>();
    private int keepalivesReceived;
    private int connections;

    private Conn conn;
    private Conn previous;
    private String id;
    private volatile Mode mode = Mode.ACK;
    private volatile boolean echo;
    private volatile boolean finReply;
    private volatile int cutAfterFrames = -1;
    private volatile boolean holdWrites;
    private volatile long lastSendNanos = System.nanoTime();
    private Thread keepaliveThread;
    private volatile boolean closed;

    public SimScamper(Connector connector, byte[] magic, String name) {
        this.connector = connector;
        this.magic = magic.clone();
        this.name = name;
    }

    public SimScamper(Connector connector, String name) {
        this(connector, randomMagic(), name);
    }

    public static Connector plain(InetSocketAddress server) {
        return () -> {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.connect(server, 5000);
            return s;
        };
    }

    public static byte[] randomMagic() {
        byte[] m = new byte[8];
        new Random().nextBytes(m);
        return m;
    }

    public byte[] magic() {
        return magic.clone();
    }

    public String name() {
        return name;
    }

    // ------------------------------------------------------------------ handshakes

    /** Connects, sends MASTER_NEW with this sim's magic and name, reads MASTER_ID and returns the id. */
    public String hello() throws IOException {
        return hello(magic, name);
    }

    /**
     * Connects, sends MASTER_NEW(magic, name), expects MASTER_ID with sequence 0 and returns its id (without
     * the NUL). Throws {@link ClosedByServer} if the server closes the connection instead.
     */
    public String hello(byte[] helloMagic, String helloName) throws IOException {
        Socket s = connector.connect();
        return helloOn(s, helloMagic, helloName);
    }

    /** As {@link #hello(byte[], String)} on an already connected socket (e.g. bound to a chosen port). */
    public String helloOn(Socket s, byte[] helloMagic, String helloName) throws IOException {
        Conn c = new Conn(s);
        c.rawWrite(Messages.encode(0, new Control.MasterNew(helloMagic, helloName)));
        Frame f = c.readHandshakeFrame();
        if (f == null) {
            c.abort();
            throw new ClosedByServer("server closed the connection instead of MASTER_ID");
        }
        Control m = decodeOrFail(f);
        if (!(m instanceof Control.MasterId mid)) {
            c.abort();
            throw new AssertionError("expected MASTER_ID, got " + m);
        }
        synchronized (this) {
            received.add(new Received(System.nanoTime(), f));
            if (f.seq() != 0) {
                violation("MASTER_ID carries sequence " + Integer.toUnsignedString(f.seq()) + ", expected 0");
            }
            sndNxt = 0;
            rcvNxt = 0;
            unacked.clear();
            id = mid.id();
            conn = c;
            connections++;
            c.start();
        }
        return mid.id();
    }

    /** Resumes over a new connection using the current sequence state (cuts the old connection first). */
    public ResumeResult resume() throws IOException {
        cut();
        int una;
        int nxt;
        int rcv;
        synchronized (this) {
            una = unacked.isEmpty() ? sndNxt : unacked.peekFirst().seq;
            nxt = sndNxt;
            rcv = rcvNxt;
        }
        return resume(rcv, una, nxt, false);
    }

    /** Resumes over a new connection while the old one stays open (the server must take over and close it). */
    public ResumeResult resumeKeepingOld() throws IOException {
        int una;
        int nxt;
        int rcv;
        synchronized (this) {
            una = unacked.isEmpty() ? sndNxt : unacked.peekFirst().seq;
            nxt = sndNxt;
            rcv = rcvNxt;
        }
        return resume(rcv, una, nxt, true);
    }

    /**
     * Sends MASTER_RES(magic, rcv, una, nxt) on a new connection. On MASTER_OK: checks its rcv_nxt, drops what
     * the server already has from the retransmit queue and retransmits the rest with the original sequence
     * numbers, as scamper does. On MASTER_REJ: checks that the server then closes the connection.
     */
    public ResumeResult resume(int rcv, int una, int nxt, boolean keepOld) throws IOException {
        holdWrites = false;
        Conn old;
        synchronized (this) {
            old = conn;
        }
        if (old != null && !keepOld) {
            old.abort();
        }
        Socket s = connector.connect();
        Conn c = new Conn(s);
        c.rawWrite(Messages.encode(0, new Control.MasterRes(magic, rcv, una, nxt)));
        Frame f = c.readHandshakeFrame();
        if (f == null) {
            c.abort();
            throw new ClosedByServer("server closed the connection instead of MASTER_OK / MASTER_REJ");
        }
        Control m = decodeOrFail(f);
        if (m instanceof Control.MasterRej) {
            synchronized (this) {
                received.add(new Received(System.nanoTime(), f));
                if (f.seq() != 0) {
                    violation("MASTER_REJ carries sequence " + f.seq() + ", expected 0");
                }
            }
            boolean closedAfter = c.awaitEofSync(HANDSHAKE_TIMEOUT);
            c.abort();
            if (!closedAfter) {
                throw new AssertionError("server sent MASTER_REJ but did not close the connection");
            }
            return ResumeResult.REJECTED;
        }
        if (!(m instanceof Control.MasterOk ok)) {
            c.abort();
            throw new AssertionError("expected MASTER_OK or MASTER_REJ, got " + m);
        }
        synchronized (this) {
            received.add(new Received(System.nanoTime(), f));
            if (f.seq() != 0) {
                violation("MASTER_OK carries sequence " + f.seq() + ", expected 0");
            }
            int serverRcv = ok.rcvNxt();
            int head = unacked.isEmpty() ? sndNxt : unacked.peekFirst().seq;
            if (Serial.lt(serverRcv, head) || Serial.lt(sndNxt, serverRcv)) {
                violation("MASTER_OK rcv_nxt " + Integer.toUnsignedString(serverRcv) + " outside our [snd_una "
                        + Integer.toUnsignedString(head) + ", snd_nxt " + Integer.toUnsignedString(sndNxt) + "]");
            }
            while (!unacked.isEmpty() && Serial.lt(unacked.peekFirst().seq, serverRcv)) {
                unacked.pollFirst(); // (a FIN dropped here: we never saw when the server processed it)
            }
            notYetAcked.clear();
            previous = conn;
            conn = c;
            connections++;
            for (Pending p : unacked) {
                c.enqueue(p.frame);
            }
            c.start();
        }
        return ResumeResult.OK;
    }

    // ------------------------------------------------------------------ sending

    /** Sends data on a channel as reliable messages of at most 65535 bytes each. */
    public void sendData(int channel, byte[] bytes) {
        sendData(channel, bytes, Frame.MAX_PAYLOAD);
    }

    public void sendData(int channel, byte[] bytes, int maxPerFrame) {
        for (int off = 0; off < bytes.length; off += maxPerFrame) {
            int len = Math.min(maxPerFrame, bytes.length - off);
            sendReliable(channel, false, Frame.encode(0, channel, bytes, off, len));
        }
    }

    public void sendData(int channel, String text) {
        sendData(channel, text.getBytes(StandardCharsets.US_ASCII));
    }

    public void sendFin(int channel) {
        byte[] p = new Control.ChannelFin(channel).encode();
        synchronized (this) {
            finsSent.add(channel);
            sendReliable(channel, true, Frame.encode(0, 0, p, 0, p.length));
        }
    }

    private synchronized int sendReliable(int channel, boolean fin, byte[] frame) {
        int seq = sndNxt++;
        Frame.stampSeq(frame, seq);
        unacked.addLast(new Pending(seq, channel, fin, frame));
        if (conn != null) {
            conn.enqueue(frame);
        }
        return seq;
    }

    /** An unreliable control message stamped with the current snd_nxt. */
    public synchronized void sendUnreliable(Control message) {
        if (conn != null) {
            conn.enqueue(Messages.encode(sndNxt, message));
        }
    }

    public void sendKeepalive() {
        sendUnreliable(new Control.Keepalive());
    }

    /** An ACK for an arbitrary sequence number (for bad-input tests); normally the reader acknowledges. */
    public void sendAck(int seq) {
        sendUnreliable(new Control.Ack(seq));
    }

    /** Acknowledges, in order, every reliable message received while in {@link Mode#NOACK}. */
    public synchronized void ackPending() {
        for (int seq : notYetAcked) {
            sendAck(seq);
        }
        notYetAcked.clear();
    }

    /** Acknowledges what was held back in {@link Mode#NOACK} and acknowledges at once from now on (atomically). */
    public synchronized void resumeAcking() {
        ackPending();
        mode = Mode.ACK;
    }

    /** Raw bytes onto the current connection, in order with everything else queued. */
    public synchronized void sendRaw(byte[] bytes) {
        if (conn != null) {
            conn.enqueue(bytes.clone());
        }
    }

    /** Sends a frame with an arbitrary header (not tracked in the sequence state). */
    public void sendFrame(int seq, int channel, byte[] payload) {
        sendRaw(Frame.encode(seq, channel, payload, 0, payload.length));
    }

    public synchronized int sndNxt() {
        return sndNxt;
    }

    public synchronized int rcvNxt() {
        return rcvNxt;
    }

    public synchronized int unackedCount() {
        return unacked.size();
    }

    // ------------------------------------------------------------------ modes

    public void mode(Mode m) {
        mode = m;
    }

    /** Echo every data message back on its channel (until we have sent a FIN for it). */
    public void echo(boolean on) {
        echo = on;
    }

    /** Answer a FIN from the server with our own FIN, as scamper does once it has finished the channel. */
    public void finReply(boolean on) {
        finReply = on;
    }

    /** Abort the connection (as {@link #cut()}) right after the next n frames have been processed. */
    public void cutAfterFrames(int n) {
        cutAfterFrames = n;
    }

    /** Send a KEEPALIVE whenever nothing has been sent for the given time (scamper: 30 s). */
    public synchronized void autoKeepalive(Duration idle) {
        if (keepaliveThread != null) {
            keepaliveThread.interrupt();
            keepaliveThread = null;
        }
        if (idle == null) {
            return;
        }
        long idleNanos = idle.toNanos();
        keepaliveThread = Thread.ofPlatform().daemon().name("sim-keepalive").start(() -> {
            try {
                while (!closed) {
                    Thread.sleep(Math.max(1, idle.toMillis() / 4));
                    if (System.nanoTime() - lastSendNanos >= idleNanos) {
                        synchronized (SimScamper.this) {
                            if (conn != null && !conn.eof && !conn.aborted) {
                                sendKeepalive();
                            }
                        }
                    }
                }
            } catch (InterruptedException e) {
                // stopped
            }
        });
    }

    // ------------------------------------------------------------------ connection control

    /** Aborts the current connection: SO_LINGER 0 then close, so the server sees a reset. */
    public void cut() {
        Conn c;
        synchronized (this) {
            c = conn;
        }
        if (c != null) {
            c.abort();
        }
    }

    /** Closes the connection in an orderly way (FIN on the TCP connection). */
    public void closeGracefully() {
        Conn c;
        synchronized (this) {
            c = conn;
        }
        if (c != null) {
            c.closeGracefully();
        }
    }

    /** Whether the current connection is up (not cut by us, not closed by the server). */
    public synchronized boolean connected() {
        return conn != null && !conn.eof && !conn.aborted;
    }

    public void awaitDisconnected() {
        Await.until(() -> "sim connection to go down " + describe(), Await.DEFAULT, () -> !connected());
    }

    /** While held, the writer sends nothing: what is sent meanwhile is lost if the connection is cut. */
    public void holdWrites(boolean hold) {
        holdWrites = hold;
    }

    public synchronized boolean closedByServer() {
        return conn != null && conn.eof && !conn.aborted;
    }

    /** After {@link #resumeKeepingOld()}: whether the server closed the connection that was replaced. */
    public synchronized boolean previousClosedByServer() {
        return previous != null && previous.eof && !previous.aborted;
    }

    public void awaitClosedByServer(Duration timeout) {
        Await.until(() -> "server closing the connection of sim " + describe(), timeout, this::closedByServer);
    }

    public synchronized int localPort() {
        return conn.socket.getLocalPort();
    }

    public synchronized InetAddress localAddress() {
        return conn.socket.getLocalAddress();
    }

    /** The address string the server must use for this connection (section 9): a.b.c.d:port or v6.port. */
    public synchronized String addressString() {
        return addressString(conn.socket.getLocalAddress(), conn.socket.getLocalPort());
    }

    public static String addressString(InetAddress a, int port) {
        if (a instanceof java.net.Inet6Address) {
            return compressV6(a.getAddress()) + "." + port;
        }
        return a.getHostAddress() + ":" + port;
    }

    /** RFC 5952 text of an IPv6 address (longest run of >= 2 zero groups becomes ::). */
    public static String compressV6(byte[] b) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = (b[2 * i] & 0xff) << 8 | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (g[i] == 0) {
                int j = i;
                while (j < 8 && g[j] == 0) {
                    j++;
                }
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestLen < 2) {
            bestStart = -1;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    /** The id the server sent in MASTER_ID. */
    public synchronized String id() {
        return id;
    }

    public synchronized int connections() {
        return connections;
    }

    // ------------------------------------------------------------------ awaiting and inspecting

    /** The next CHANNEL_NEW not yet returned by this method. */
    public int awaitChannelNew() {
        Await.until(() -> "a new CHANNEL_NEW at sim " + describe(), Await.DEFAULT, () -> {
            synchronized (this) {
                return channelsNew.size() > channelsConsumed;
            }
        });
        synchronized (this) {
            return channelsNew.get(channelsConsumed++);
        }
    }

    /** Waits for the (index+1)-th CHANNEL_NEW this sim has ever received and returns its channel id. */
    public int awaitNthChannel(int index) {
        Await.until(() -> "CHANNEL_NEW number " + (index + 1) + " at sim " + describe(), Await.DEFAULT, () -> {
            synchronized (this) {
                return channelsNew.size() > index;
            }
        });
        synchronized (this) {
            return channelsNew.get(index);
        }
    }

    public void awaitChannelNew(int channel) {
        Await.until(() -> "CHANNEL_NEW " + channel + " at sim " + describe(), Await.DEFAULT, () -> {
            synchronized (this) {
                return channelsNew.contains(channel);
            }
        });
    }

    /** Waits until at least n bytes have arrived on the channel and returns all received so far. */
    public byte[] awaitData(int channel, int n) {
        return awaitData(channel, n, Await.DEFAULT);
    }

    public byte[] awaitData(int channel, int n, Duration timeout) {
        Await.until(() -> n + " bytes on channel " + channel + ", have " + dataOn(channel).length + "; sim "
                + describe(), timeout, () -> dataCount(channel) >= n);
        return dataOn(channel);
    }

    public synchronized int dataCount(int channel) {
        ByteArrayOutputStream b = data.get(channel);
        return b == null ? 0 : b.size();
    }

    public synchronized byte[] dataOn(int channel) {
        ByteArrayOutputStream b = data.get(channel);
        return b == null ? new byte[0] : b.toByteArray();
    }

    public synchronized boolean finReceived(int channel) {
        return finsReceived.contains(channel);
    }

    public void awaitFin(int channel) {
        awaitFin(channel, Await.DEFAULT);
    }

    public void awaitFin(int channel, Duration timeout) {
        Await.until(() -> "CHANNEL_FIN " + channel + " at sim " + describe(), timeout,
                () -> finReceived(channel));
    }

    /** Waits until the server has acknowledged everything we sent. */
    public void awaitAllAcked() {
        awaitAllAcked(Await.DEFAULT);
    }

    public void awaitAllAcked(Duration timeout) {
        Await.until(() -> "server acknowledging everything; sim " + describe(), timeout,
                () -> unackedCount() == 0);
    }

    /** The sequence numbers named by every ACK received, in order (unsigned decimal). */
    public synchronized List<String> acksReceived() {
        return List.copyOf(ackLog);
    }

    public synchronized int keepalivesReceived() {
        return keepalivesReceived;
    }

    public synchronized List<Received> received() {
        return List.copyOf(received);
    }

    public synchronized List<Frame> receivedFrames() {
        return received.stream().map(Received::frame).toList();
    }

    public synchronized List<Frame> discarded() {
        return List.copyOf(discarded);
    }

    public synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    public synchronized List<Integer> channelsNew() {
        return List.copyOf(channelsNew);
    }

    public synchronized String describe() {
        return "[snd_nxt=" + Integer.toUnsignedString(sndNxt) + " rcv_nxt=" + Integer.toUnsignedString(rcvNxt)
                + " unacked=" + unacked.size() + " channels=" + channelsNew + " fins=" + finsReceived
                + " connections=" + connections + " eof=" + (conn != null && conn.eof)
                + " violations=" + violations + "]";
    }

    public void assertNoViolations() {
        List<String> v = violations();
        if (!v.isEmpty()) {
            throw new AssertionError("protocol violations seen by the simulated scamper: " + v
                    + "; last frames received: " + lastFrames(16));
        }
    }

    /** The last n frames received, described, oldest first (for failure messages). */
    public synchronized String lastFrames(int n) {
        StringBuilder sb = new StringBuilder();
        for (Received r : received.subList(Math.max(0, received.size() - n), received.size())) {
            sb.append(show(r.frame())).append(' ');
        }
        return sb.toString();
    }

    private void violation(String what) {
        violations.add(what);
    }

    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            if (keepaliveThread != null) {
                keepaliveThread.interrupt();
            }
        }
        cut();
    }

    // ------------------------------------------------------------------ receiving

    private void onFrame(Conn c, Frame f) {
        synchronized (this) {
            if (c != conn) {
                // a connection we replaced; the server should have closed it
                return;
            }
            received.add(new Received(System.nanoTime(), f));
            if (mode == Mode.DISCARD) {
                discarded.add(f);
                return;
            }
            int seq = f.seq();
            if (seq != rcvNxt) {
                violation("frame " + show(f) + " has sequence " + Integer.toUnsignedString(seq) + ", expected rcv_nxt "
                        + Integer.toUnsignedString(rcvNxt));
            }
            if (f.channel() != 0) {
                int ch = f.channel();
                if (stampedAfterOurFin(ch, seq)) {
                    violation("data on channel " + ch + " after the server acknowledged our FIN for it");
                } else if (finsReceived.contains(ch)) {
                    violation("data on channel " + ch + " after the server's FIN for it");
                }
                if (!channelsNew.contains(ch)) {
                    violation("data on channel " + ch + " without CHANNEL_NEW");
                }
                data.computeIfAbsent(ch, k -> new ByteArrayOutputStream()).writeBytes(f.payload());
                received(seq);
                if (echo && !finsSent.contains(ch)) {
                    sendReliable(ch, false, Frame.encode(0, ch, f.payload(), 0, f.payload().length));
                }
                return;
            }
            Control m;
            try {
                m = Messages.decode(f);
            } catch (ProtocolException e) {
                violation("undecodable control frame " + show(f) + ": " + e.getMessage());
                return;
            }
            switch (m) {
                case Control.ChannelNew n -> {
                    if (channelsNew.contains(n.channel())) {
                        violation("CHANNEL_NEW " + n.channel() + " twice");
                    }
                    if (n.channel() == 0) {
                        violation("CHANNEL_NEW for channel 0");
                    }
                    channelsNew.add(n.channel());
                    received(seq);
                }
                case Control.ChannelFin fin -> {
                    int ch = fin.channel();
                    if (stampedAfterOurFin(ch, seq)) {
                        violation("CHANNEL_FIN " + ch + " after the server acknowledged our FIN for it");
                    }
                    if (finsReceived.contains(ch)) {
                        violation("CHANNEL_FIN " + ch + " twice");
                    }
                    if (!channelsNew.contains(ch)) {
                        violation("CHANNEL_FIN for channel " + ch + " without CHANNEL_NEW");
                    }
                    finsReceived.add(ch);
                    received(seq);
                    if (finReply && !finsSent.contains(ch)) {
                        sendFin(ch);
                    }
                }
                case Control.Keepalive k -> keepalivesReceived++;
                case Control.Ack a -> {
                    Pending head = unacked.peekFirst();
                    ackLog.add(Integer.toUnsignedString(a.seq()));
                    if (head == null) {
                        violation("ACK " + Integer.toUnsignedString(a.seq()) + " with nothing outstanding");
                    } else if (head.seq != a.seq()) {
                        violation("ACK " + Integer.toUnsignedString(a.seq()) + " but oldest unacknowledged is "
                                + Integer.toUnsignedString(head.seq));
                    } else {
                        unacked.pollFirst();
                        if (head.fin) {
                            dead.put(head.channel, f.seq());
                        }
                    }
                }
                default -> violation("unexpected control message in established state: " + m);
            }
        }
    }

    private boolean stampedAfterOurFin(int ch, int seq) {
        Integer s = dead.get(ch);
        return s != null && Serial.le(s, seq);
    }

    /** A reliable message with this sequence number has been received (caller holds the lock). */
    private void received(int seq) {
        rcvNxt = seq + 1;
        if (mode == Mode.ACK) {
            sendAck(seq);
        } else {
            notYetAcked.add(seq);
        }
    }

    private static String show(Frame f) {
        String what;
        if (f.channel() == 0) {
            try {
                what = Messages.decode(f).toString();
            } catch (ProtocolException e) {
                what = "bad control";
            }
        } else {
            what = "data(" + f.payload().length + ")";
        }
        return "{seq=" + Integer.toUnsignedString(f.seq()) + " ch=" + Integer.toUnsignedString(f.channel()) + " "
                + what + "}";
    }

    private static Control decodeOrFail(Frame f) {
        if (f.channel() != 0) {
            throw new AssertionError("handshake answer on channel " + f.channel());
        }
        try {
            return Messages.decode(f);
        } catch (ProtocolException e) {
            throw new AssertionError("undecodable handshake answer: " + e.getMessage(), e);
        }
    }

    /** The server closed the connection where an answer was expected. */
    public static final class ClosedByServer extends IOException {
        public ClosedByServer(String message) {
            super(message);
        }
    }

    // ------------------------------------------------------------------ one TCP connection

    private final class Conn {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final FrameReader reader;
        final LinkedBlockingDeque<byte[]> queue = new LinkedBlockingDeque<>();
        volatile boolean eof;
        volatile boolean aborted;
        volatile IOException error;
        Thread readerThread;
        Thread writerThread;

        Conn(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
            this.reader = new FrameReader(in);
        }

        void rawWrite(byte[] b) throws IOException {
            out.write(b);
            out.flush();
            lastSendNanos = System.nanoTime();
        }

        /** The first frame of the handshake, read on the calling thread; null at EOF or reset. */
        Frame readHandshakeFrame() throws IOException {
            socket.setSoTimeout((int) HANDSHAKE_TIMEOUT.toMillis());
            try {
                return reader.read();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no answer to the handshake within " + HANDSHAKE_TIMEOUT);
            } catch (IOException e) {
                return null;
            } finally {
                if (!socket.isClosed()) {
                    socket.setSoTimeout(0);
                }
            }
        }

        boolean awaitEofSync(Duration timeout) throws IOException {
            socket.setSoTimeout((int) timeout.toMillis());
            try {
                byte[] b = new byte[4096];
                while (in.read(b) >= 0) {
                    // discard
                }
                return true;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }

        void start() {
            readerThread = Thread.ofPlatform().daemon().name("sim-reader-" + socket.getLocalPort()).start(this::readLoop);
            writerThread = Thread.ofPlatform().daemon().name("sim-writer-" + socket.getLocalPort()).start(this::writeLoop);
        }

        void enqueue(byte[] frame) {
            if (!aborted) {
                queue.add(frame);
            }
        }

        private void readLoop() {
            try {
                while (true) {
                    Frame f = reader.read();
                    if (f == null) {
                        break;
                    }
                    onFrame(this, f);
                    int n = cutAfterFrames;
                    if (n > 0) {
                        cutAfterFrames = n - 1;
                        if (n == 1) {
                            abort();
                            return;
                        }
                    }
                }
            } catch (IOException e) {
                error = e;
            } catch (RuntimeException | Error e) {
                synchronized (SimScamper.this) {
                    violation("sim reader crashed: " + e);
                }
            } finally {
                eof = true;
            }
        }

        private void writeLoop() {
            java.io.BufferedOutputStream bout = new java.io.BufferedOutputStream(out, 128 * 1024);
            try {
                while (!aborted) {
                    if (holdWrites) {
                        Thread.sleep(2);
                        continue;
                    }
                    byte[] next = queue.pollFirst(100, TimeUnit.MILLISECONDS);
                    if (next == null) {
                        continue;
                    }
                    int batch = 0;
                    while (next != null) {
                        if (holdWrites) {
                            queue.offerFirst(next);
                            break;
                        }
                        bout.write(next);
                        batch += next.length;
                        next = batch < 1024 * 1024 ? queue.pollFirst() : null;
                    }
                    bout.flush();
                    lastSendNanos = System.nanoTime();
                }
            } catch (InterruptedException | IOException e) {
                // connection gone
            }
        }

        void abort() {
            aborted = true;
            queue.clear();
            try {
                socket.setSoLinger(true, 0);
            } catch (IOException e) {
                // already closed
            }
            try {
                socket.close();
            } catch (IOException e) {
                // ignore
            }
            if (writerThread != null) {
                writerThread.interrupt();
            }
            awaitThreads();
        }

        void closeGracefully() {
            try {
                Await.until("sim writer draining", Duration.ofSeconds(5), queue::isEmpty);
                socket.shutdownOutput();
            } catch (IOException e) {
                // ignore
            }
        }

        private void awaitThreads() {
            try {
                if (readerThread != null && readerThread != Thread.currentThread()) {
                    readerThread.join(5000);
                }
                if (writerThread != null && writerThread != Thread.currentThread()) {
                    writerThread.join(5000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "SimScamper" + (name == null ? "" : "(" + name + ")") + Arrays.toString(magic);
    }
}
