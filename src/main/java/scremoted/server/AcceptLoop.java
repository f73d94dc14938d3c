package scremoted.server;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;
import scremoted.log.Log;

/**
 * Accepts until the listening channel is closed. An accept error such as running out of
 * descriptors is logged and followed by a pause, so that it cannot become a busy loop.
 */
final class AcceptLoop {
    interface Acceptor {
        SocketChannel accept() throws IOException;
    }

    private AcceptLoop() {}

    static void run(String where, Acceptor listener, Consumer<SocketChannel> handler) {
        for (;;) {
            SocketChannel accepted;
            try {
                accepted = listener.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                Log.error(where, "accept: " + e.getMessage());
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    return;
                }
                continue;
            }
            closingOnFailure(accepted, handler);
        }
    }

    /**
     * Runs the handler of one connection; whatever it throws (a bug, a class that could not be
     * loaded, memory) costs that connection, closed here, never the caller or the descriptor.
     */
    static void closingOnFailure(SocketChannel channel, Consumer<SocketChannel> handler) {
        try {
            handler.accept(channel);
        } catch (RuntimeException | Error e) {
            closeQuietly(channel);
            Log.error("connection", "dropped after an internal error: " + e);
            if (e instanceof VirtualMachineError fatal) {
                throw fatal;
            }
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            Log.debug("accept", () -> "close: " + e.getMessage());
        }
    }
}
