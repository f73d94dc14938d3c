package scremoted.bench;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A client on a monitor's unix socket: what sc_attach or a script would be. */
final class UnixClient implements AutoCloseable {
    private final SocketChannel channel;

    private UnixClient(SocketChannel channel) {
        this.channel = channel;
    }

    static UnixClient connect(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return new UnixClient(ch);
    }

    void write(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    void write(String s) throws IOException {
        write(ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII)));
    }

    /** Reads exactly b.remaining() bytes. */
    void readFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                throw new IOException("end of stream with " + b.remaining() + " bytes to go");
            }
        }
    }

    /** Reads and discards n bytes as fast as it can; returns how many arrived before the end. */
    long drain(long n, ByteBuffer buffer) throws IOException {
        long got = 0;
        while (got < n) {
            buffer.clear();
            if (buffer.remaining() > n - got) {
                buffer.limit((int) (n - got));
            }
            int r = channel.read(buffer);
            if (r < 0) {
                break;
            }
            got += r;
        }
        return got;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
