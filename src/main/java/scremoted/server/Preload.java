package scremoted.server;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Loads every class of the program before it serves. A class loaded lazily from a directory opens
 * a file, and the moment a server runs out of descriptors is when a new code path (an error
 * branch) is most likely to need a class: the load fails, and the JVM remembers the failure, so
 * that path would stay broken for good.
 */
final class Preload {
    private static final String PACKAGE = "scremoted/";

    private Preload() {}

    static void all() throws IOException {
        ClassLoader loader = Preload.class.getClassLoader();
        for (String name : classNames()) {
            try {
                Class.forName(name, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new IOException("cannot load " + name + ": " + e, e);
            }
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
