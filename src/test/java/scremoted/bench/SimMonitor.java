package scremoted.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import scremoted.wire.Control;
import scremoted.wire.Frame;
import scremoted.wire.FrameReader;
import scremoted.wire.Messages;

/**
 * A simulated scamper (monitor) for load tests: the hello (MASTER_NEW with a random 8-byte magic
 * and a name, then MASTER_ID), an ACK for every reliable message in order, KEEPALIVE on request
 * (see {@link #keepaliveIfIdle}), every data message echoed back on its channel as new reliable
 * data, except a first message {@code FLOOD <n>\n} on a channel, which makes it send n bytes on
 * that channel as fast as the window allows (data frames of up to 65535 bytes, at most
 * {@link #WINDOW} bytes unacknowledged), then keep the channel open until the client closes it.
 *
 * <p>Threads: one virtual thread reads; the state lock guards the sequence numbers and the window,
 * and a write lock, taken while the state lock is held, serializes writes (ACKs, echoes, floods,
 * keepalives), so frames leave in sequence order. A flood's write holds only the write lock, so ACKs
 * are taken in while it writes. Plaintext floods are written from a direct buffer, so the generator
 * does not copy them.
 */
final class SimMonitor implements AutoCloseable {
    static final int WINDOW = 4 << 20;
    static final String FLOOD = "FLOOD ";

    private final String name;
    /** The TCP socket; {@link #socket} is it, or the TLS socket layered over it. */
    private final Socket raw;
    private final Socket socket;
    private final OutputStream out;
    private final FrameReader in;
    private final String id;
    private final ReentrantLock lock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    /** The TCP socket's channel with plaintext, else null. */
    private final SocketChannel plain;
    private final Condition acked = lock.newCondition();
    private final ArrayDeque<Integer> unackedLengths = new ArrayDeque<>();
    /** Channels the server opened and has not finished; true once we sent our FIN on it. */
    private final HashMap<Integer, Boolean> channels = new HashMap<>();
    private int sndNxt;
    private int sndUna;
    private int rcvNxt;
    private long unackedBytes;
    private volatile long lastSent = System.nanoTime();
    private volatile long keepalivesReceived;
    private volatile long framesReceived;
    private volatile String lost;
    private volatile boolean closing;

    private SimMonitor(String name, Socket raw, Socket socket, FrameReader in, String id) throws IOException {
        this.name = name;
        this.raw = raw;
        this.plain = socket == raw ? raw.getChannel() : null;
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = in;
        this.id = id;
    }

    /**
     * Connects (with TLS when {@code tls} is not null: a full handshake, as scamper does on every
     * connection), completes the hello and starts the reader.
     */
    static SimMonitor connect(InetSocketAddress server, String name, int timeoutMillis, SSLSocketFactory tls)
            throws IOException {
        Socket raw = SocketChannel.open().socket();
        Socket socket = raw;
        try {
            raw.setTcpNoDelay(true);
            raw.connect(server, timeoutMillis);
            raw.setSoTimeout(timeoutMillis);
            if (tls != null) {
                SSLSocket secure = (SSLSocket) tls.createSocket(raw, server.getHostString(), server.getPort(), true);
                SSLParameters parameters = secure.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                secure.setSSLParameters(parameters);
                secure.startHandshake();
                socket = secure;
            }
            byte[] magic = new byte[8];
            ThreadLocalRandom.current().nextBytes(magic);
            socket.getOutputStream().write(Messages.encode(0, new Control.MasterNew(magic, name)));
            FrameReader in = new FrameReader(socket.getInputStream());
            Frame first = in.read();
            if (first == null || !first.isControl()) {
                throw new IOException("no MASTER_ID: " + first);
            }
            if (!(Messages.decode(first) instanceof Control.MasterId(String id))) {
                throw new IOException("expected MASTER_ID, got " + Messages.decode(first));
            }
            raw.setSoTimeout(0);
            SimMonitor m = new SimMonitor(name, raw, socket, in, id);
            Thread.ofVirtual().name("sim-monitor " + name).start(m::readLoop);
            return m;
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** The file name of this monitor's unix socket in the server's -U directory. */
    String socketName() {
        return name + "-" + id;
    }

    String name() {
        return name;
    }

    /** Null while connected; else why the connection ended. */
    String lost() {
        return lost;
    }

    long keepalivesReceived() {
        return keepalivesReceived;
    }

    long framesReceived() {
        return framesReceived;
    }

    /** Sends a KEEPALIVE if nothing was sent for the given time. */
    void keepaliveIfIdle(long idleNanos) {
        if (lost != null || System.nanoTime() - lastSent < idleNanos) {
            return;
        }
        lock.lock();
        try {
            write(Messages.encode(sndNxt, new Control.Keepalive()));
        } catch (IOException e) {
            fail("keepalive: " + e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    private void readLoop() {
        try {
            for (;;) {
                Frame f = in.read();
                if (f == null) {
                    fail("end of stream");
                    return;
                }
                framesReceived++;
                handle(f);
            }
        } catch (IOException | RuntimeException e) {
            fail("read: " + e);
        }
    }

    private void handle(Frame f) throws IOException {
        lock.lock();
        try {
            if (f.seq() != rcvNxt) {
                throw new IOException("sequence " + Integer.toUnsignedString(f.seq()) + ", expected "
                        + Integer.toUnsignedString(rcvNxt));
            }
            if (!f.isControl()) {
                int ch = f.channel();
                byte[] ack = ack(f.seq());
                Boolean finSent = channels.get(ch);
                if (finSent == null || finSent) {
                    write(ack);
                    return;
                }
                byte[] p = f.payload();
                if (p.length > FLOOD.length() && startsWith(p, FLOOD)) {
                    write(ack);
                    long n = Long.parseLong(new String(p, FLOOD.length(), p.length - FLOOD.length(),
                            StandardCharsets.US_ASCII).trim());
                    Thread.ofVirtual().name("flood " + name).start(() -> flood(ch, n));
                    return;
                }
                byte[] echo = Frame.encode(sndNxt, ch, p, 0, p.length);
                reliable(echo.length - Frame.HEADER_LENGTH);
                byte[] both = new byte[ack.length + echo.length];
                System.arraycopy(ack, 0, both, 0, ack.length);
                System.arraycopy(echo, 0, both, ack.length, echo.length);
                write(both);
                return;
            }
            Control c = Messages.decode(f);
            switch (c) {
                case Control.Ack(int seq) -> {
                    if (unackedLengths.isEmpty() || seq != sndUna) {
                        throw new IOException("ACK " + Integer.toUnsignedString(seq) + ", expected "
                                + Integer.toUnsignedString(sndUna));
                    }
                    sndUna++;
                    unackedBytes -= unackedLengths.pollFirst();
                    acked.signalAll();
                }
                case Control.Keepalive k -> keepalivesReceived++;
                case Control.ChannelNew(int ch) -> {
                    write(ack(f.seq()));
                    channels.put(ch, false);
                }
                case Control.ChannelFin(int ch) -> {
                    byte[] ack = ack(f.seq());
                    Boolean finSent = channels.remove(ch);
                    if (finSent != null && !finSent) {
                        byte[] fin = Messages.encode(sndNxt, new Control.ChannelFin(ch));
                        reliable(0);
                        byte[] both = new byte[ack.length + fin.length];
                        System.arraycopy(ack, 0, both, 0, ack.length);
                        System.arraycopy(fin, 0, both, ack.length, fin.length);
                        write(both);
                    } else {
                        write(ack);
                    }
                }
                default -> throw new IOException("unexpected " + c);
            }
        } finally {
            lock.unlock();
        }
    }

    /** An ACK for a reliable message just received. Lock held. */
    private byte[] ack(int seq) {
        rcvNxt++;
        return Messages.encode(sndNxt, new Control.Ack(seq));
    }

    /** Accounts for one reliable message stamped with sndNxt. Lock held. */
    private void reliable(int dataBytes) {
        sndNxt++;
        unackedLengths.addLast(dataBytes);
        unackedBytes += dataBytes;
    }

    private void write(byte[] b) throws IOException {
        writeLock.lock();
        try {
            out.write(b);
            lastSent = System.nanoTime();
        } finally {
            writeLock.unlock();
        }
    }

    /** Sends n bytes on the channel, keeping at most WINDOW bytes unacknowledged. */
    private void flood(int ch, long n) {
        byte[] frame = new byte[Frame.HEADER_LENGTH + Frame.MAX_PAYLOAD];
        for (int i = Frame.HEADER_LENGTH; i < frame.length; i++) {
            frame[i] = (byte) ('a' + i % 26);
        }
        ByteBuffer direct = plain != null ? ByteBuffer.allocateDirect(frame.length).put(frame).clear() : null;
        long left = n;
        try {
            while (left > 0) {
                int len = (int) Math.min(left, Frame.MAX_PAYLOAD);
                lock.lock();
                try {
                    while (unackedBytes > 0 && unackedBytes + len > WINDOW && lost == null) {
                        acked.await();
                    }
                    Boolean finSent = channels.get(ch);
                    if (lost != null || finSent == null || finSent) {
                        return;
                    }
                    Frame.stampSeq(frame, sndNxt);
                    putInt(frame, 4, ch);
                    frame[8] = (byte) (len >>> 8);
                    frame[9] = (byte) len;
                    reliable(len);
                    writeLock.lock();
                } finally {
                    lock.unlock();
                }
                try {
                    if (direct != null) {
                        direct.clear().put(0, frame, 0, Frame.HEADER_LENGTH).limit(Frame.HEADER_LENGTH + len);
                        while (direct.hasRemaining()) {
                            plain.write(direct);
                        }
                    } else {
                        out.write(frame, 0, Frame.HEADER_LENGTH + len);
                    }
                    lastSent = System.nanoTime();
                } finally {
                    writeLock.unlock();
                }
                left -= len;
            }
        } catch (IOException e) {
            fail("flood: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void fail(String why) {
        if (lost == null) {
            lost = closing ? "closed by us" : why;
        }
        lock.lock();
        try {
            acked.signalAll();
        } finally {
            lock.unlock();
        }
        closeQuietly(false);
    }

    private static boolean startsWith(byte[] p, String prefix) {
        for (int i = 0; i < prefix.length(); i++) {
            if (p[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private void closeQuietly(boolean reset) {
        try {
            if (reset) {
                raw.setSoLinger(true, 0);
            }
            raw.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** Closes with a reset, so that no TIME_WAIT is left behind on the load generator's side. */
    @Override
    public void close() {
        closing = true;
        closeQuietly(true);
    }
}
