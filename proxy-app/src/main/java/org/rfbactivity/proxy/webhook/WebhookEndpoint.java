package org.rfbactivity.proxy.webhook;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * One {@code --webhook-url}: the URI posted to, and the two forms of it that may be shown. A path or query may carry
 * a token (many receivers authenticate that way), so logs, messages and metric tags only ever show
 * {@code scheme://host:port}.
 *
 * @param uri   the URL as given
 * @param label {@code host:port}, the metric tag
 */
public record WebhookEndpoint(URI uri, String label) {

  private static final String EXPECTED = "expected http://HOST[:PORT]/PATH or https://HOST[:PORT]/PATH";

  /** Parses and checks a URL; throws {@link IllegalArgumentException} saying what is wrong, never the URL. */
  public static WebhookEndpoint parse(String text) {
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(EXPECTED);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw new IllegalArgumentException(EXPECTED);
    }
    if (uri.getRawUserInfo() != null) {
      // The JDK client would not send it, and it would be a credential in a setting shown in messages.
      throw new IllegalArgumentException("expected no user:password@ (put a token in the path or query instead)");
    }
    if (uri.getRawFragment() != null) {
      throw new IllegalArgumentException("expected no #fragment (it is never sent)");
    }
    return new WebhookEndpoint(uri, hostPort(uri));
  }

  /** {@code scheme://host:port}: what logs and messages show. */
  public String describe() {
    return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + label;
  }

  /** A URL as messages may show it: {@code scheme://host:port} when it parses that far, else {@code <masked>}. */
  public static String safe(String text) {
    try {
      URI uri = new URI(text.trim());
      if (uri.getScheme() != null && uri.getHost() != null) {
        return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + hostPort(uri);
      }
    } catch (URISyntaxException e) {
      // shown masked below
    }
    return "<masked>";
  }

  private static String hostPort(URI uri) {
    int port = uri.getPort();
    if (port < 0) {
      port = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : -1;
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT); // an IPv6 literal keeps its brackets here
    return port < 0 ? host : host + ":" + port;
  }

  @Override
  public String toString() {
    return describe();
  }
}
