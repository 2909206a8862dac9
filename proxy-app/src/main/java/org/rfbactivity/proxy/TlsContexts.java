package org.rfbactivity.proxy;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import org.rfbactivity.proxy.config.ConfigException;

/** Builds the frontends' TLS context from PEM files, checking each file so that an error names the right flag. */
final class TlsContexts {

  private TlsContexts() {}

  /** @throws ConfigException naming {@code --tls-cert} or {@code --tls-key} */
  static SslContext server(Path cert, Path key) {
    try (InputStream in = Files.newInputStream(cert)) {
      if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
        throw new ConfigException("--tls-cert", cert.toString(), "no certificate in the file");
      }
    } catch (IOException | CertificateException e) {
      throw new ConfigException("--tls-cert", cert.toString(), "not a PEM certificate chain");
    }
    try (InputStream certIn = Files.newInputStream(cert); InputStream keyIn = Files.newInputStream(key)) {
      return SslContextBuilder.forServer(certIn, keyIn).build();
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("--tls-key", key.toString(),
          "not a PEM PKCS#8 private key (BEGIN PRIVATE KEY) matching --tls-cert");
    }
  }
}
