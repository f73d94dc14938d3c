package scremoted.server;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Loads every class of the program, and starts the JDK's I/O pollers, before it serves. A class
 * loaded lazily from a directory opens a file, and the moment a server runs out of descriptors is
 * when a new code path (an error branch) is most likely to need a class: the load fails, and the
 * JVM remembers the failure, so that path would stay broken for good. The same holds for the
 * pollers, which the JDK creates (with descriptors of their own) the first time a virtual thread
 * waits for a socket: created under exhaustion, they fail, and so would every wait after.
 */
final class Preload {
    private static final String PACKAGE = "scremoted/";

    private Preload() {}

    static void all() throws IOException {
        classes();
        ioPollers();
    }

    private static void classes() throws IOException {
        ClassLoader loader = Preload.class.getClassLoader();
        for (String name : classNames()) {
            try {
                Class.forName(name, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new IOException("cannot load " + name + ": " + e, e);
            }
        }
    }

    /** A virtual thread waits once for a pipe to become readable, which starts the pollers. */
    private static void ioPollers() throws IOException {
        Pipe pipe = Pipe.open();
        try (Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    source.read(ByteBuffer.allocate(1));
                } catch (IOException | LinkageError e) {
                    failure.set(e);
                }
            });
            long end = System.nanoTime() + 10_000_000_000L;
            while (reader.getState() != Thread.State.WAITING && reader.isAlive() && System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            sink.write(ByteBuffer.wrap(new byte[] {0}));
            reader.join(10_000);
            if (failure.get() != null) {
                throw new IOException("cannot start the I/O pollers: " + failure.get(), failure.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the I/O pollers", e);
        }
    }

    private static List<String> classNames() throws IOException {
        Path source;
        try {
            source = Path.of(Preload.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        if (Files.isDirectory(source)) {
            try (Stream<Path> files = Files.walk(source.resolve(PACKAGE))) {
                return files.map(f -> source.relativize(f).toString())
                        .filter(n -> n.endsWith(".class")).map(Preload::className).toList();
            }
        }
        try (JarFile jar = new JarFile(source.toFile())) {
            return jar.stream().map(e -> e.getName())
                    .filter(n -> n.startsWith(PACKAGE) && n.endsWith(".class")).map(Preload::className).toList();
        }
    }

    private static String className(String file) {
        return file.substring(0, file.length() - ".class".length()).replace('/', '.');
    }
}
