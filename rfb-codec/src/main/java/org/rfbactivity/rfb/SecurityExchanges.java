package org.rfbactivity.rfb;

/**
 * Which exchange a security type starts (docs/protocol.md#security-types). VeNCrypt subtypes and Tight
 * sub-authentications have their own numbering, mapped by {@link VeNCryptExchange#forSubtype} and
 * {@link TightExchange#forAuthCode}.
 */
final class SecurityExchanges {

  private SecurityExchanges() {
  }

  /** A type the client picked from the 3.7/3.8 U8 list (docs/protocol.md#security-type-list). */
  static SecurityExchange forListedType(int type) {
    switch (type) {
      case 1: return new NoneExchange();
      case 2: return FixedLengthExchange.vncAuth();
      case 6: case 130: return new Ra2neExchange();
      case 16: return new TightExchange();
      case 17: return UltraVncRoundExchange.ultra();
      case 19: return new VeNCryptExchange();
      case 22: return new XvpExchange();
      case 30: return new AppleDhExchange();
      case 104: return UltraVncRoundExchange.scPrompt();
      case 105: return UltraVncRoundExchange.sessionSelect();
      case 113: return FixedLengthExchange.msLogonII();
      case 116: return UltraVncRoundExchange.clientInitExtra();
      case 118: return FixedLengthExchange.msLogonIII();
      // RA2, RA2r, RA2_256, RA2r_256 (all traffic in EAX frames), Vino TLS, SASL (a security layer cannot be
      // detected from framing), UltraVNC SecureVNCPlugin old/new: docs/protocol.md#encrypted-ra2-variants and after.
      case 5: case 13: case 129: case 133: case 18: case 20: case 114: case 115: return BlindExchange.ENCRYPTED;
      // 0 Invalid, 7/8 SSPI, 31-36 Apple, 117 (advertisement only), RealVNC proprietary, anything else:
      // docs/protocol.md#undocumented-and-unknown-types.
      default: return BlindExchange.UNKNOWN;
    }
  }

  /**
   * The U32 a 3.3 server decided, UltraVNC's legacy values included
   * (docs/protocol.md#security-type-chosen-by-the-server).
   */
  static SecurityExchange forLegacyType(long type) {
    if (type == 1) {
      return new NoneExchange();
    }
    if (type == 2) {
      return FixedLengthExchange.vncAuth();
    }
    if (type == SecurityType.LEGACY_MS_LOGON) {
      return FixedLengthExchange.msLogonII();
    }
    // 17 on 3.3 is the legacy SecureVNC plugin: encrypted from here on.
    return type == 17 ? BlindExchange.ENCRYPTED : BlindExchange.UNKNOWN;
  }
}
