package org.rfbactivity.rfb;

/**
 * The byte exchange a security type (or a VeNCrypt subtype, or a Tight sub-authentication) runs between its
 * selection and the SecurityResult, per RFB.md §2. Several type codes share a scheme; both handshake parsers
 * switch on it. Schemes that make the rest of the stream unreadable carry the {@link BlindReason} to report.
 */
enum AuthScheme {
  /** 1 None: no bytes either way (rfbproto "None"). */
  NONE,
  /** 2 VNC authentication: 16-byte challenge, 16-byte response (rfbproto "VNC Authentication"). */
  VNC_AUTH,
  /**
   * 6 RA2ne, 130 RA2ne_256: each side sends U32 key bits + modulus + exponent, U16 length + encrypted random,
   * then two AES-EAX frames ([U16 len][len][16-byte MAC]); the SecurityResult and everything after are plain
   * (RFB.md §2; TigerVNC SSecurityRSAAES with isAllEncrypted=false).
   */
  RA2NE,
  /** 16 Tight: tunnel and auth capability lists, then a nested scheme (RFB.md §2; rfbproto "Tight"). */
  TIGHT,
  /** 19 VeNCrypt: version, ack, subtype list, client choice, then a nested scheme (RFB.md §2). */
  VENCRYPT,
  /** VeNCrypt 256 Plain and Tight 129 Unix login: client U32 user length, U32 password length, user, password. */
  USER_PASSWORD,
  /** VeNCrypt 265 Ident: client U32 length + user name (RFB.md §2). */
  IDENT,
  /** 22 xvp: client U8 user length, U8 target length, user, target; then VNC authentication (RFB.md §2, noVNC). */
  XVP,
  /** 30 Apple Diffie-Hellman: server U16 generator, U16 key length, prime, public key; client 128 + key (RFB.md §2). */
  APPLE_DH,
  /** 113 MS-Logon II and UltraVNC's 3.3 legacy 0xFFFFFFFA: server 24 bytes, client 328 bytes (RFB.md §2). */
  MS_LOGON_II,
  /** 118 UltraVNC MS-Logon III: server 32-byte key, client 352 bytes (RFB.md §2). */
  MS_LOGON_III,
  /** 17 Ultra (3.7+): no bytes; the server answers 0xFFFFFFFF and another type round follows (RFB.md §1.3). */
  ULTRA,
  /** 104 UltraVNC SCPrompt: server U32 little-endian length + text, client U32 little-endian answer. */
  SC_PROMPT,
  /** 105 UltraVNC SessionSelect: no bytes, another round follows. */
  SESSION_SELECT,
  /** 116 UltraVNC ClientInitExtra (old): client U8 length + text right after the type byte. */
  CLIENT_INIT_EXTRA,
  /** Every byte from here on is (or may be) encrypted or transformed. */
  ENCRYPTED,
  /** The exchange is undocumented or unknown: never guess a length. */
  UNKNOWN;

  /** Whether the server follows this scheme with SecurityResult 0xFFFFFFFF and another round (RFB.md §1.3). */
  boolean continuesWithAnotherRound() {
    return this == ULTRA || this == SC_PROMPT || this == SESSION_SELECT || this == CLIENT_INIT_EXTRA;
  }

  /** The reason to go blind with, or {@code null} when the stream stays readable. */
  BlindReason blindReason() {
    if (this == ENCRYPTED) {
      return BlindReason.ENCRYPTED_SECURITY_TYPE;
    }
    return this == UNKNOWN ? BlindReason.UNKNOWN_SECURITY_TYPE : null;
  }

  /** A type the client picked from the 3.7/3.8 U8 list (RFB.md §1.2, §2). */
  static AuthScheme forListedType(int type) {
    switch (type) {
      case 1: return NONE;
      case 2: return VNC_AUTH;
      case 6: case 130: return RA2NE;
      case 16: return TIGHT;
      case 17: return ULTRA;
      case 19: return VENCRYPT;
      case 22: return XVP;
      case 30: return APPLE_DH;
      case 104: return SC_PROMPT;
      case 105: return SESSION_SELECT;
      case 113: return MS_LOGON_II;
      case 116: return CLIENT_INIT_EXTRA;
      case 118: return MS_LOGON_III;
      // RA2, RA2r, RA2_256, RA2r_256 (all traffic in EAX frames), Vino TLS, SASL (a security layer cannot be
      // detected from framing), UltraVNC SecureVNCPlugin old/new: RFB.md §2.
      case 5: case 13: case 129: case 133: case 18: case 20: case 114: case 115: return ENCRYPTED;
      // 0 Invalid, 7/8 SSPI, 31-36 Apple, 117 (advertisement only), RealVNC proprietary, anything else.
      default: return UNKNOWN;
    }
  }

  /** The U32 a 3.3 server decided (RFB.md §1.2; UltraVNC legacy values from U:H). */
  static AuthScheme forLegacyType(long type) {
    if (type == 1) {
      return NONE;
    }
    if (type == 2) {
      return VNC_AUTH;
    }
    if (type == SecurityType.LEGACY_MS_LOGON) {
      return MS_LOGON_II;
    }
    // 17 on 3.3 is the legacy SecureVNC plugin: encrypted from here on (RFB.md §1.2).
    return type == 17 ? ENCRYPTED : UNKNOWN;
  }

  /**
   * A VeNCrypt 0.2 subtype (U32): 256 Plain, 265 Ident, the TLS/X509 family (257–264, 266, 267) and plain types
   * nested inside VeNCrypt (RFB.md §2 row 19).
   */
  static AuthScheme forVeNCryptSubtype(long subtype) {
    if (subtype == 256) {
      return USER_PASSWORD;
    }
    if (subtype == 265) {
      return IDENT;
    }
    if ((subtype >= 257 && subtype <= 264) || subtype == 266 || subtype == 267) {
      return ENCRYPTED;
    }
    if (subtype >= 0 && subtype < 256) {
      AuthScheme nested = forListedType((int) subtype);
      // A nested VeNCrypt/Tight or a round-continuing UltraVNC type inside VeNCrypt is not a known exchange.
      boolean plainLeaf = nested == NONE || nested == VNC_AUTH || nested == RA2NE || nested == XVP
          || nested == APPLE_DH || nested == MS_LOGON_II || nested == MS_LOGON_III || nested == ENCRYPTED;
      return plainLeaf ? nested : UNKNOWN;
    }
    return UNKNOWN;
  }

  /**
   * Maps an obsolete VeNCrypt 0.1 U8 subtype (19 Plain, 20–22 TLS, 23–25 X509; VC01) to its 0.2 number, or -1.
   */
  static long venCrypt01To02(int subtype) {
    return subtype >= 19 && subtype <= 25 ? 256 + (subtype - 19) : -1;
  }

  /** A Tight authentication capability code (rfbproto "Tight Security Type"). */
  static AuthScheme forTightAuth(long code) {
    if (code == 1) {
      return NONE;
    }
    if (code == 2) {
      return VNC_AUTH;
    }
    if (code == 129) {
      return USER_PASSWORD;
    }
    return code == 20 ? ENCRYPTED : UNKNOWN;
  }
}
