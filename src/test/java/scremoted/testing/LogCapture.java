package scremoted.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import scremoted.log.Log;

/** Copies the server's log lines into a buffer (and on to stderr) while open. */
public final class LogCapture implements AutoCloseable {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

    private LogCapture() {
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (buf) {
                    buf.write(b);
                }
                System.err.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (buf) {
                    buf.write(b, off, len);
                }
                System.err.write(b, off, len);
            }
        };
        Log.redirect(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    public static LogCapture start() {
        return new LogCapture();
    }

    public List<String> lines() {
        synchronized (buf) {
            return Arrays.asList(buf.toString(StandardCharsets.UTF_8).split("\n"));
        }
    }

    @Override
    public void close() {
        Log.redirect(System.err);
    }
}
