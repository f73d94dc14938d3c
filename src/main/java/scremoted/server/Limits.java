package scremoted.server;

/**
 * Memory bounds.
 *
 * @param clientQueueBytes what may wait to be written to one unix client; a client that lets more
 *     pile up is dropped (and its channel finished), so one stalled client costs a bounded amount
 * @param unackedBytesPerSession client data sent to scamper and not yet acknowledged (kept for
 *     retransmission); beyond it client readers wait, which pushes back on the clients, never on
 *     the monitor's reader
 * @param allClientsBytes what may wait for all unix clients together; past it, monitors whose
 *     clients are behind pause sooner (see {@link scremoted.session.ClientBacklog})
 * @param pooledPayloadBuffers how many 64 KiB buffers (off-heap for plaintext monitors) large
 *     relayed payloads may use at most (see {@link scremoted.buffer.PayloadPool}); beyond them each
 *     payload gets an array of its own
 */
public record Limits(int clientQueueBytes, int unackedBytesPerSession, long allClientsBytes,
        int pooledPayloadBuffers) {
    /** All clients together: a quarter of the heap. */
    public static final Limits DEFAULT = new Limits(16 << 20, 4 << 20, Runtime.getRuntime().maxMemory() / 4, 512);
}
