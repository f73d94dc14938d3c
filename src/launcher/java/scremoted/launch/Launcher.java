package scremoted.launch;

import java.lang.reflect.InvocationTargetException;

/**
 * The jar's entry point, compiled for Java 8 so that any JVM can load it and say clearly that it
 * is too old, instead of failing with an UnsupportedClassVersionError on the real main class.
 */
public final class Launcher {
    static final int MIN_RUNTIME = 24;

    private Launcher() {}

    public static void main(String[] args) throws Throwable {
        String spec = System.getProperty("java.specification.version");
        int feature = Integer.parseInt(spec.startsWith("1.") ? spec.substring(2) : spec);
        if (feature < MIN_RUNTIME) {
            System.err.println("sc_remoted: needs Java " + MIN_RUNTIME + " or newer to run, this is Java " + spec
                    + " (" + System.getProperty("java.home") + "); set JAVA_HOME to a newer JDK");
            System.exit(1);
        }
        try {
            Class.forName("scremoted.Main").getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
