/**
 * The monitor-connection wire format, as values: pure code (bytes in, messages out), no sockets,
 * threads or clocks.
 *
 * <p>Every message, in either direction, is a 10-byte header and a payload; integers are
 * big-endian:
 *
 * <pre>
 *  offset size field
 *  0      4    sequence number
 *  4      4    channel id (0: a control message)
 *  8      2    payload length, 1..65535
 * </pre>
 *
 * <p>A payload on channel 0 starts with a control type byte:
 *
 * <pre>
 *  type name         direction          rest of the payload
 *  0    MASTER_NEW   scamper to remoted u8 magic_len (&gt;0), magic, then optionally
 *                                       u8 name_len (0: no name), name bytes ending in NUL
 *  1    MASTER_ID    remoted to scamper u8 id_len, id bytes ending in NUL
 *  2    CHANNEL_NEW  remoted to scamper u32 channel id
 *  3    CHANNEL_FIN  both               u32 channel id
 *  4    KEEPALIVE    both               nothing
 *  5    ACK          both               u32 sequence number acknowledged
 *  6    MASTER_RES   scamper to remoted u8 magic_len, magic, u32 rcv_nxt, u32 snd_una, u32 snd_nxt
 *  7    MASTER_REJ   remoted to scamper nothing
 *  8    MASTER_OK    remoted to scamper u32 rcv_nxt
 * </pre>
 *
 * <p>Payloads on other channels are a client's bytes, uninterpreted. Data, CHANNEL_NEW and
 * CHANNEL_FIN are reliable (they consume a sequence number and wait for an ACK); KEEPALIVE, ACK
 * and MASTER_ID carry the sender's next sequence number without consuming it; the hello messages
 * carry 0. Sequence numbers compare in 32-bit serial arithmetic ({@link Serial}).
 */
package scremoted.wire;
