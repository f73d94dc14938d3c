package scremoted.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocketFactory;

/**
 * Many simulated monitors in one JVM, each on virtual threads, and one platform thread that
 * sends their KEEPALIVEs.
 */
final class Fleet implements AutoCloseable {
    private final InetSocketAddress server;
    private final SSLSocketFactory tls;
    private final String prefix;
    private final ConcurrentLinkedQueue<SimMonitor> monitors = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicInteger next = new AtomicInteger();
    private final Thread keepalives;
    private volatile boolean closed;

    Fleet(InetSocketAddress server, String prefix, long keepaliveMillis) {
        this(server, null, prefix, keepaliveMillis);
    }

    /** Monitors of a server, with TLS when it has {@link ServerUnderTest#clientTls}. */
    Fleet(ServerUnderTest server, String prefix, long keepaliveMillis) {
        this(server.address(), server.clientTls, prefix, keepaliveMillis);
    }

    /**
     * @param tls null for plaintext
     * @param keepaliveMillis a monitor sends KEEPALIVE after this long without sending anything
     */
    Fleet(InetSocketAddress server, SSLSocketFactory tls, String prefix, long keepaliveMillis) {
        this.server = server;
        this.tls = tls;
        this.prefix = prefix;
        long idleNanos = keepaliveMillis * 1_000_000L;
        keepalives = Thread.ofPlatform().daemon().name("fleet-keepalives").start(() -> {
            while (!closed) {
                for (SimMonitor m : monitors) {
                    m.keepaliveIfIdle(idleNanos);
                }
                try {
                    Thread.sleep(Math.max(10, keepaliveMillis / 10));
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /**
     * Connects n more monitors, at most {@code parallel} hellos in flight, within the deadline.
     *
     * @return how many completed the hello
     */
    int connect(int n, int parallel, long deadlineMillis) throws InterruptedException {
        Semaphore inFlight = new Semaphore(parallel);
        AtomicInteger ok = new AtomicInteger();
        long end = System.nanoTime() + deadlineMillis * 1_000_000L;
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                inFlight.acquire();
                if (System.nanoTime() > end) {
                    inFlight.release();
                    failures.add("deadline passed before all connects were started");
                    break;
                }
                String name = prefix + next.incrementAndGet();
                ex.submit(() -> {
                    try {
                        int left = (int) Math.max(1, (end - System.nanoTime()) / 1_000_000L);
                        monitors.add(SimMonitor.connect(server, name, left, tls));
                        ok.incrementAndGet();
                    } catch (IOException | RuntimeException | Error e) {
                        failures.add(name + ": " + e);
                    } finally {
                        inFlight.release();
                    }
                });
            }
            ex.shutdown();
            ex.awaitTermination(Math.max(1, (end - System.nanoTime()) / 1_000_000L) + 1000, TimeUnit.MILLISECONDS);
        }
        return ok.get();
    }

    List<SimMonitor> monitors() {
        return List.copyOf(monitors);
    }

    int size() {
        return monitors.size();
    }

    /** Monitors whose connection ended (not by us). */
    List<SimMonitor> lost() {
        List<SimMonitor> l = new ArrayList<>();
        for (SimMonitor m : monitors) {
            if (m.lost() != null) {
                l.add(m);
            }
        }
        return l;
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    @Override
    public void close() {
        closed = true;
        keepalives.interrupt();
        for (SimMonitor m : monitors) {
            m.close();
        }
    }
}
