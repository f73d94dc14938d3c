/**
 * TLS for the monitor listener: PEM certificates and keys ({@link scremoted.tls.PemMaterial}),
 * the key's passphrase ({@link scremoted.tls.Passphrase}), the reloadable server context
 * ({@link scremoted.tls.ServerTls}) and the client-certificate name policy
 * ({@link scremoted.tls.MonitorNames}).
 *
 * <p>All cryptography goes through BouncyCastle provider <em>instances</em> (BCJSSE over BC); nothing
 * is registered with {@link java.security.Security}, so the JDK's own defaults stay as they were for
 * any other code in the process.
 */
package scremoted.tls;
