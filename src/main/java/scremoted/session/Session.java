package scremoted.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import scremoted.log.Log;
import scremoted.wire.Control;
import scremoted.wire.Frame;
import scremoted.wire.FrameReader;
import scremoted.wire.Messages;
import scremoted.wire.ProtocolException;
import scremoted.wire.Serial;

/**
 * One monitor: its sequence space, retransmit queue and channels, across the links it uses.
 *
 * <p>States: established (a link, a unix socket), zombie (no link, no socket file, channels and
 * clients kept, waiting for MASTER_RES), dead.
 *
 * <p>Threads: the link's connection thread runs {@link #serve} (frames in); the link's writer sends;
 * client readers call {@link #sendData}, {@link #clientEof}; client writers {@link #clientClosed};
 * the unix accept thread {@link #openChannel}; timer threads {@link #keepalive}, {@link #linkDown}
 * and zombie expiry. Everything is guarded by one lock, never held across blocking I/O. Stamping a
 * sequence number and queueing the frame on the link happen under it as one step, so frames leave
 * in sequence order (an ACK stamped 5 never overtakes the reliable message stamped 5).
 */
public final class Session {
    private enum State { NEW, ESTABLISHED, ZOMBIE, DEAD }

    /** Per channel: whether each side has finished it. Present while its client is connected. */
    private static final class Channel {
        final int id;
        final ChannelEndpoint endpoint;
        boolean finSent;
        boolean finReceived;

        Channel(int id, ChannelEndpoint endpoint) {
            this.id = id;
            this.endpoint = endpoint;
        }
    }

    private final Sessions registry;
    final String key;
    private final String name;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition windowOpen = lock.newCondition();
    private State state = State.NEW;
    private Link link;
    private String lastAddress = "?";
    private int sndNxt;
    private int rcvNxt;
    /** Reliable frames sent (or waiting for a link) and not yet acknowledged, in sequence order. */
    private final ArrayDeque<byte[]> unacked = new ArrayDeque<>();
    private long unackedDataBytes;
    private final HashMap<Integer, Channel> channels = new HashMap<>();
    private int lastChannelId;
    private AutoCloseable clientPort;
    private ScheduledFuture<?> zombieExpiry;
    private int zombieEpoch;
    /** Set by {@link #deliver} when a client fell behind, for the reader to pause on (lock released). */
    private Channel congested;

    Session(Sessions registry, byte[] magic, String name) {
        this.registry = registry;
        this.key = Sessions.key(magic);
        this.name = name;
        this.sndNxt = registry.initialSequence;
        this.rcvNxt = registry.initialSequence;
    }

    /** Name and address, as in the socket file name: for log lines. */
    public String describe() {
        lock.lock();
        try {
            String address = link != null ? link.address() : lastAddress;
            return name == null ? address : name + "-" + address;
        } finally {
            lock.unlock();
        }
    }

    void establish(Link newLink) throws HelloRefused {
        lock.lock();
        try {
            attach(newLink);
            newLink.enqueue(Messages.encode(sndNxt, new Control.MasterId(newLink.address())));
            Log.debug("session", () -> describe() + ": established");
        } finally {
            lock.unlock();
        }
    }

    void resume(Control.MasterRes res, Link newLink, Predicate<String> nameAllowed) throws HelloRefused {
        lock.lock();
        try {
            if (state == State.DEAD || state == State.NEW) {
                throw new HelloRefused("no session with that magic");
            }
            if (!nameAllowed.test(name)) {
                throw new HelloRefused("the client certificate is not valid for monitor " + name);
            }
            boolean rcvKnown = res.rcvNxt() == sndNxt;
            for (Iterator<byte[]> it = unacked.iterator(); !rcvKnown && it.hasNext(); ) {
                rcvKnown = Frame.seqOf(it.next()) == res.rcvNxt();
            }
            if (!rcvKnown) {
                throw new HelloRefused("its rcv_nxt " + u(res.rcvNxt()) + " is neither our snd_nxt "
                        + u(sndNxt) + " nor a message we still hold");
            }
            if (!Serial.le(res.sndUna(), rcvNxt) || !Serial.le(rcvNxt, res.sndNxt())) {
                throw new HelloRefused("our rcv_nxt " + u(rcvNxt) + " is outside its window "
                        + u(res.sndUna()) + ".." + u(res.sndNxt()));
            }
            if (link != null) {
                Log.debug("session", () -> describe() + ": taken over by a resume from " + newLink.address());
                link.close();
                link = null;
            }
            closeClientPort();
            if (zombieExpiry != null) {
                zombieExpiry.cancel(false);
                zombieExpiry = null;
            }
            while (!unacked.isEmpty() && Serial.lt(Frame.seqOf(unacked.peekFirst()), res.rcvNxt())) {
                forgetOldestUnacked();
            }
            try {
                attach(newLink);
            } catch (HelloRefused e) {
                destroy(e.getMessage());
                throw e;
            }
            newLink.enqueue(Messages.encode(0, new Control.MasterOk(rcvNxt)));
            for (byte[] frame : unacked) {
                newLink.enqueue(frame);
            }
            Log.debug("session", () -> describe() + ": resumed, retransmitting " + unacked.size() + " messages");
        } finally {
            lock.unlock();
        }
    }

    /** Makes the link current and opens the unix socket named after its address. Lock held. */
    private void attach(Link newLink) throws HelloRefused {
        String socketName = name == null ? newLink.address() : name + "-" + newLink.address();
        try {
            clientPort = registry.clientPort.open(this, socketName);
        } catch (IOException e) {
            throw new HelloRefused("cannot create socket " + socketName + ": " + e.getMessage());
        }
        link = newLink;
        lastAddress = newLink.address();
        state = State.ESTABLISHED;
        newLink.start(this, registry.timers, registry.policy);
    }

    /**
     * The reader: frames in from the link until it ends. Runs on the link's connection thread and
     * returns when the link is no longer this session's, having handed the session on to zombie
     * state or destruction as the cause demands.
     */
    public void serve(Link serving, FrameReader in) {
        String why;
        try {
            for (;;) {
                Frame frame = in.read();
                if (frame == null) {
                    why = "end of stream";
                    break;
                }
                serving.received();
                Channel behind;
                lock.lock();
                try {
                    if (link != serving) {
                        registry.pool.release(frame.data());
                        return;
                    }
                    handle(frame);
                    behind = congested;
                    congested = null;
                } finally {
                    lock.unlock();
                }
                if (behind != null) {
                    waitForClient(serving, behind);
                }
            }
        } catch (ProtocolException e) {
            lock.lock();
            try {
                if (link == serving) {
                    destroy("protocol error: " + e.getMessage());
                } else {
                    serving.close();
                }
            } finally {
                lock.unlock();
            }
            return;
        } catch (IOException e) {
            why = "read: " + e.getMessage();
        } catch (InterruptedException e) {
            why = "interrupted";
        }
        linkDown(serving, why);
    }

    /**
     * Backpressure: a client that is behind holds the monitor's reader (and so, through TCP, the
     * monitor) until it has caught up, so that a bulk transfer runs at the client's pace instead of
     * piling up here; while all clients together are over their limit, "behind" starts lower. A
     * client that takes nothing for the stall time is dropped, so a stuck client holds its
     * monitor's other channels for that long at most.
     */
    private void waitForClient(Link serving, Channel behind) throws InterruptedException {
        SessionPolicy policy = registry.policy;
        ClientBacklog allClients = registry.clientBacklog;
        if (behind.endpoint.awaitBacklog(() -> allClients.over() ? policy.clientBacklogUnderPressure()
                : policy.clientBacklogHigh() / 4, policy.clientStallNanos())) {
            return;
        }
        lock.lock();
        try {
            if (link == serving && channels.get(behind.id) == behind) {
                dropClient(behind, "is not reading");
            }
        } finally {
            lock.unlock();
        }
    }

    private void dropClient(Channel channel, String why) {
        Log.error("session", describe() + ": channel " + u(channel.id) + ": client " + why + "; disconnecting it");
        channels.remove(channel.id);
        sendFinOnce(channel);
        channel.endpoint.abort();
    }

    /** One frame from the monitor. Lock held. */
    private void handle(Frame frame) throws ProtocolException {
        if (frame.seq() != rcvNxt) {
            registry.pool.release(frame.data());
            throw new ProtocolException("sequence " + u(frame.seq()) + ", expected " + u(rcvNxt));
        }
        if (!frame.isControl()) {
            acknowledge(frame.seq());
            deliver(frame.channel(), frame.data());
            return;
        }
        Control message = Messages.decode(frame);
        switch (message) {
            case Control.Ack ack -> acked(ack.seq());
            case Control.Keepalive keepalive -> { }
            case Control.ChannelFin fin -> {
                acknowledge(frame.seq());
                remoteFin(fin.channel());
            }
            default -> throw new ProtocolException(message + " is not valid from an established monitor");
        }
    }

    private void acknowledge(int seq) {
        rcvNxt++;
        sendUnreliable(new Control.Ack(seq));
    }

    private void acked(int seq) throws ProtocolException {
        byte[] oldest = unacked.peekFirst();
        if (oldest == null) {
            throw new ProtocolException("ACK " + u(seq) + " with nothing outstanding");
        }
        if (Frame.seqOf(oldest) != seq) {
            throw new ProtocolException("ACK " + u(seq) + ", expected " + u(Frame.seqOf(oldest)));
        }
        forgetOldestUnacked();
    }

    private void forgetOldestUnacked() {
        byte[] frame = unacked.pollFirst();
        if (Frame.channelOf(frame) != 0) {
            unackedDataBytes -= frame.length - Frame.HEADER_LENGTH;
            windowOpen.signalAll();
        }
    }

    /** Hands the payload on to the channel's client, or back to the pool. */
    private void deliver(int channelId, ByteBuffer payload) {
        Channel channel = channels.get(channelId);
        if (channel == null || channel.finReceived) {
            int length = payload.remaining();
            registry.pool.release(payload);
            Log.debug("session", () -> describe() + ": dropped " + length + " bytes for channel "
                    + u(channelId) + ", which has no client");
            return;
        }
        long backlog = channel.endpoint.deliver(payload);
        if (backlog < 0) {
            dropClient(channel, "is not reading and its queue is full");
        } else if (backlog > registry.policy.clientBacklogHigh()
                || backlog > registry.policy.clientBacklogUnderPressure() && registry.clientBacklog.over()) {
            congested = channel;
        }
    }

    private void remoteFin(int channelId) {
        Channel channel = channels.get(channelId);
        if (channel == null) {
            Log.debug("session", () -> describe() + ": FIN for channel " + u(channelId) + ", which has no client");
            return;
        }
        channel.finReceived = true;
        channel.endpoint.finish();
    }

    /** A client connected: a new channel id and a CHANNEL_NEW, or -1 if the session cannot take it. */
    public int openChannel(ChannelEndpoint endpoint) {
        lock.lock();
        try {
            if (state != State.ESTABLISHED) {
                return -1;
            }
            int id = lastChannelId;
            do {
                id = id == -1 ? 1 : id + 1;
            } while (channels.containsKey(id));
            lastChannelId = id;
            channels.put(id, new Channel(id, endpoint));
            sendReliable(Messages.encode(0, new Control.ChannelNew(id)));
            Log.debug("session", () -> describe() + ": client on channel " + u(lastChannelId));
            return id;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Client bytes for scamper. Waits while too much client data is unacknowledged (backpressure
     * on this client only). False once the channel is finished or the session gone: stop reading.
     */
    public boolean sendData(int channelId, byte[] buffer, int offset, int length) throws InterruptedException {
        byte[] frame = Frame.encode(0, channelId, buffer, offset, length);
        lock.lock();
        try {
            for (;;) {
                Channel channel = channels.get(channelId);
                if (state == State.DEAD || channel == null || channel.finSent || channel.finReceived) {
                    return false;
                }
                if (unackedDataBytes == 0 || unackedDataBytes + length <= registry.policy.unackedBytesLimit()) {
                    break;
                }
                windowOpen.await();
            }
            unackedDataBytes += length;
            sendReliable(frame);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The client will send no more: finish the channel towards scamper, unless it is finished. */
    public void clientEof(int channelId) {
        lock.lock();
        try {
            Channel channel = channels.get(channelId);
            if (channel != null) {
                sendFinOnce(channel);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The client connection is closed: forget the channel, finishing it towards scamper if need be. */
    public void clientClosed(int channelId) {
        lock.lock();
        try {
            Channel channel = channels.remove(channelId);
            if (channel != null) {
                sendFinOnce(channel);
                Log.debug("session", () -> describe() + ": channel " + u(channelId) + " closed");
            }
        } finally {
            lock.unlock();
        }
    }

    /** A FIN unless one was sent or received: after scamper's FIN the channel id is dead to it. */
    private void sendFinOnce(Channel channel) {
        if (channel.finSent || channel.finReceived) {
            return;
        }
        channel.finSent = true;
        sendReliable(Messages.encode(0, new Control.ChannelFin(channel.id)));
    }

    private void sendReliable(byte[] frame) {
        Frame.stampSeq(frame, sndNxt);
        sndNxt++;
        unacked.addLast(frame);
        if (link != null && !link.enqueue(frame)) {
            linkDown(link, "monitor is not reading what we send");
        }
    }

    private void sendUnreliable(Control message) {
        if (link != null && !link.enqueue(Messages.encode(sndNxt, message))) {
            linkDown(link, "monitor is not reading what we send");
        }
    }

    void keepalive(Link from) {
        lock.lock();
        try {
            if (link == from) {
                sendUnreliable(new Control.Keepalive());
            }
        } finally {
            lock.unlock();
        }
    }

    /** The link ended (EOF, error, timeout): zombie if -Z allows, else the end of the session. */
    void linkDown(Link down, String why) {
        lock.lock();
        try {
            if (link != down) {
                down.close();
                return;
            }
            link = null;
            down.close();
            if (registry.policy.zombieNanos() == 0) {
                destroy("connection lost (" + why + ")");
                return;
            }
            Log.debug("session", () -> describe() + ": connection lost (" + why + "); zombie for up to "
                    + registry.policy.zombieNanos() / 1_000_000 + " ms");
            state = State.ZOMBIE;
            closeClientPort();
            int epoch = ++zombieEpoch;
            zombieExpiry = registry.timers.after(registry.policy.zombieNanos(), () -> expire(epoch));
        } finally {
            lock.unlock();
        }
    }

    private void expire(int epoch) {
        lock.lock();
        try {
            if (state == State.ZOMBIE && zombieEpoch == epoch) {
                destroy("zombie expired");
            }
        } finally {
            lock.unlock();
        }
    }

    /** A zombie with this monitor name gives way to a new session that reuses its magic. */
    boolean retireIfZombieNamed(String newName) {
        lock.lock();
        try {
            if (state != State.ZOMBIE || !Objects.equals(name, newName)) {
                return false;
            }
            destroy("replaced by a new session with the same magic and name");
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The one close path: link, socket file, clients, queues, registry entry. */
    public void destroy(String why) {
        lock.lock();
        try {
            if (state == State.DEAD) {
                return;
            }
            Log.debug("session", () -> describe() + ": closed: " + why);
            state = State.DEAD;
            registry.remove(this);
            if (link != null) {
                link.close();
                link = null;
            }
            closeClientPort();
            if (zombieExpiry != null) {
                zombieExpiry.cancel(false);
                zombieExpiry = null;
            }
            for (Channel channel : new ArrayList<>(channels.values())) {
                channel.endpoint.abort();
            }
            channels.clear();
            unacked.clear();
            unackedDataBytes = 0;
            windowOpen.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void closeClientPort() {
        if (clientPort != null) {
            try {
                clientPort.close();
            } catch (Exception e) {
                Log.error("session", describe() + ": closing its socket: " + e.getMessage());
            }
            clientPort = null;
        }
    }

    private static String u(int v) {
        return Integer.toUnsignedString(v);
    }
}
