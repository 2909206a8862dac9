package org.rfbactivity.rfb;

/**
 * A ProtocolVersion as sent on the wire ({@code "RFB 003.008\n"} is {@code 3.8}, {@code "RFB 003.889\n"} is
 * {@code 3.889}); docs/protocol.md#protocolversion.
 *
 * @param major the three-digit major number
 * @param minor the three-digit minor number
 */
public record RfbVersion(int major, int minor) {

  /**
   * Checks that both numbers are 0..999.
   *
   * @param major the three-digit major number
   * @param minor the three-digit minor number
   */
  public RfbVersion {
    if (major < 0 || major > 999 || minor < 0 || minor > 999) {
      throw new IllegalArgumentException("version numbers must be 0..999: " + major + "." + minor);
    }
  }

  /**
   * The protocol the security phase follows when the client answers with this version
   * (docs/protocol.md#effective-version): minor 3–6 behave as 3.3, 7 as 3.7, 8 and above (3.889, 3.14 …) as 3.8, and
   * any other major as 3.8.
   *
   * @return 3, 7 or 8
   */
  public int effectiveMinor() {
    if (major != 3) {
      return 8;
    }
    if (minor < 7) {
      return 3;
    }
    return minor == 7 ? 7 : 8;
  }

  /** Reads like {@code 3.8} or {@code 3.889}. */
  @Override
  public String toString() {
    return major + "." + minor;
  }
}
