package org.rfbactivity.proxy;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import org.rfbactivity.proxy.config.ConfigException;

/**
 * Builds the frontends' TLS context from PEM files, checking each file so that an error names the right flag. The
 * context uses the JDK's TLS provider, and client-initiated renegotiation is refused (see
 * {@link #refuseClientInitiatedRenegotiation()}).
 */
final class TlsContexts {

  /** The JDK's switch for refusing a TLS 1.2 client's renegotiation; it has no per-context equivalent. */
  static final String REJECT_CLIENT_RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";

  private TlsContexts() {}

  /** @throws ConfigException naming {@code --tls-cert} or {@code --tls-key} */
  static SslContext server(Path cert, Path key) {
    refuseClientInitiatedRenegotiation();
    try (InputStream in = Files.newInputStream(cert)) {
      if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
        throw new ConfigException("--tls-cert", cert.toString(), "no certificate in the file");
      }
    } catch (IOException | CertificateException e) {
      throw new ConfigException("--tls-cert", cert.toString(), "not a PEM certificate chain");
    }
    try (InputStream certIn = Files.newInputStream(cert); InputStream keyIn = Files.newInputStream(key)) {
      // Pinned to the JDK provider: the renegotiation switch above is the JDK's (netty-tcnative would ignore it).
      return SslContextBuilder.forServer(certIn, keyIn).sslProvider(SslProvider.JDK).build();
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("--tls-key", key.toString(),
          "not a PEM PKCS#8 private key (BEGIN PRIVATE KEY) matching --tls-cert");
    }
  }

  /**
   * A TLS 1.2 client may ask for a new handshake on an established connection, as often as it likes: each costs the
   * server a full key exchange for a few bytes sent (a denial of service), and no viewer needs it. The JDK reads this
   * property once, when its server handshake class is first initialised, which is at the first server handshake in
   * the JVM; every context is built here before any listener accepts, so this is early enough. An explicit
   * {@code -Djdk.tls.rejectClientInitiatedRenegotiation=false} is the operator's choice and is kept.
   */
  static void refuseClientInitiatedRenegotiation() {
    if (System.getProperty(REJECT_CLIENT_RENEGOTIATION) == null) {
      System.setProperty(REJECT_CLIENT_RENEGOTIATION, "true");
    }
  }
}
