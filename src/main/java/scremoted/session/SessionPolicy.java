package scremoted.session;

/**
 * How sessions behave, from the command line and the timing.
 *
 * @param zombieNanos how long a disconnected session waits for its scamper to resume (0: never)
 * @param keepaliveNanos send a KEEPALIVE after this long without sending anything
 * @param receiveNanos a link that received nothing for this long is dead
 * @param unackedBytesLimit client data awaiting scamper's ACK beyond which client readers wait
 */
public record SessionPolicy(long zombieNanos, long keepaliveNanos, long receiveNanos, int unackedBytesLimit) {}
