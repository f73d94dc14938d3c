/**
 * Off-heap buffers for relayed payloads, so that a large data message goes from the monitor's
 * socket to the client's socket without being copied in user space.
 */
package scremoted.buffer;
