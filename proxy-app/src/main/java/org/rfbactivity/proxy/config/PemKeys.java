package org.rfbactivity.proxy.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Reads PEM public keys ({@code -----BEGIN PUBLIC KEY-----}, X.509 SubjectPublicKeyInfo) for JWT verification. Problems
 * are thrown as {@link IllegalArgumentException} without the path, which the setting adds.
 */
final class PemKeys {

  /** RS256 with less than 2048 bits is considered broken (NIST SP 800-131A). */
  static final int MIN_RSA_BITS = 2048;

  private static final String BEGIN = "-----BEGIN PUBLIC KEY-----";
  private static final String END = "-----END PUBLIC KEY-----";

  private PemKeys() {}

  static RSAPublicKey readRsaPublicKey(Path file) {
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot read: " + e.getClass().getSimpleName());
    }
    int begin = pem.indexOf(BEGIN);
    int end = pem.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException("expected a PEM block '" + BEGIN + "'");
    }
    String base64 = pem.substring(begin + BEGIN.length(), end).replaceAll("\\s", "");
    PublicKey key;
    try {
      byte[] der = Base64.getDecoder().decode(base64);
      key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new IllegalArgumentException("not an RSA public key");
    }
    RSAPublicKey rsa = (RSAPublicKey) key;
    if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
      throw new IllegalArgumentException("RSA key has " + rsa.getModulus().bitLength()
          + " bits; at least " + MIN_RSA_BITS + " are required");
    }
    return rsa;
  }
}
