package scremoted.session;

/**
 * How sessions behave, from the command line and the timing.
 *
 * @param zombieNanos how long a disconnected session waits for its scamper to resume (0: never)
 * @param keepaliveNanos send a KEEPALIVE after this long without sending anything
 * @param receiveNanos a link that received nothing for this long is dead
 * @param unackedBytesLimit client data awaiting scamper's ACK beyond which client readers wait
 * @param clientBacklogHigh a client with more than this waiting for it makes the monitor's reader
 *     pause until it is down to a quarter of it: a slow client paces its monitor
 * @param clientBacklogUnderPressure while all clients together are over their limit ({@link
 *     ClientBacklog}), a client with more than this waiting makes the reader pause until it is
 *     down to it
 * @param clientStallNanos a client that takes nothing for this long during such a pause is dropped
 */
public record SessionPolicy(long zombieNanos, long keepaliveNanos, long receiveNanos, int unackedBytesLimit,
        long clientBacklogHigh, long clientBacklogUnderPressure, long clientStallNanos) {}
