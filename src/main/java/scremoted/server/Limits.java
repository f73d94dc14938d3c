package scremoted.server;

/**
 * Memory bounds.
 *
 * @param clientQueueBytes what may wait to be written to one unix client; a client that lets more
 *     pile up is dropped (and its channel finished), so one stalled client costs a bounded amount
 * @param unackedBytesPerSession client data sent to scamper and not yet acknowledged (kept for
 *     retransmission); beyond it client readers wait, which pushes back on the clients, never on
 *     the monitor's reader
 * @param pooledPayloadBuffers how many 64 KiB buffers (off-heap for plaintext monitors) large
 *     relayed payloads may use at most (see {@link scremoted.buffer.PayloadPool}); beyond them each
 *     payload gets an array of its own
 */
public record Limits(int clientQueueBytes, int unackedBytesPerSession, int pooledPayloadBuffers) {
    public static final Limits DEFAULT = new Limits(16 << 20, 4 << 20, 512);
}
