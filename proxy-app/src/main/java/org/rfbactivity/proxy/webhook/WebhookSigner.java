package org.rfbactivity.proxy.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The symmetric signature of Standard Webhooks (https://www.standardwebhooks.com/): {@code v1,} and the base64 of
 * HMAC-SHA256 over {@code webhook-id + "." + webhook-timestamp + "." + body}, keyed with the shared secret.
 * Thread-safe; the key never leaves this object and {@link #toString()} masks it.
 */
public final class WebhookSigner {

  /** The specification's serialisation of a symmetric secret: this prefix, then the key bytes in base64. */
  public static final String SECRET_PREFIX = "whsec_";
  /** The specification's minimum for a symmetric secret: 24 bytes (192 bits). */
  public static final int MIN_KEY_BYTES = 24;

  private static final String HMAC = "HmacSHA256";

  private final SecretKeySpec key;

  public WebhookSigner(byte[] key) {
    if (key == null || key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException("the secret must be at least " + MIN_KEY_BYTES + " bytes");
    }
    this.key = new SecretKeySpec(key, HMAC);
  }

  /**
   * The key bytes of a secret as written in a file (already trimmed): {@code whsec_} and base64 as the specification
   * serialises it, the form a receiver's Standard Webhooks library takes; any other text is its own UTF-8 bytes, as
   * for {@code --jwt-secret-file}. Throws {@link IllegalArgumentException} saying what is wrong, never the text.
   */
  public static byte[] parseKey(String text) {
    byte[] key;
    if (text.startsWith(SECRET_PREFIX)) {
      try {
        key = Base64.getDecoder().decode(text.substring(SECRET_PREFIX.length()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("expected base64 after " + SECRET_PREFIX);
      }
    } else {
      key = text.getBytes(StandardCharsets.UTF_8);
    }
    if (key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException("the secret must be at least " + MIN_KEY_BYTES + " bytes ("
          + MIN_KEY_BYTES * 8 + " bits), found " + key.length);
    }
    return key;
  }

  /** The {@code webhook-signature} value of one attempt. */
  public String sign(String id, long timestampSeconds, byte[] body) {
    Mac mac;
    try {
      mac = Mac.getInstance(HMAC); // a Mac is not thread-safe; one per attempt costs microseconds
      mac.init(key);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required of every JDK", e);
    }
    mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
    return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
  }

  @Override
  public String toString() {
    return "WebhookSigner[<masked>]";
  }
}
