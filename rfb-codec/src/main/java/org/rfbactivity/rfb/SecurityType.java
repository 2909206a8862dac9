package org.rfbactivity.rfb;

/**
 * The security type a connection negotiated (docs/protocol.md#security-types), with the VeNCrypt subtype or Tight
 * sub-authentication where there is one. {@link #toString()} is a readable name such as {@code None}, {@code VncAuth},
 * {@code VeNCrypt/Plain} or {@code Tight/VncAuth}.
 *
 * @param code the security type: the U8 the client chose (3.7/3.8) or the U32 the server chose (3.3), so
 *     UltraVNC's legacy MS-Logon is {@code 0xFFFFFFFAL}
 * @param subtype the VeNCrypt subtype or the Tight authentication code, or {@link #NO_SUBTYPE}
 */
public record SecurityType(long code, long subtype) {

  /** {@link #subtype()} when the type has no subtype. */
  public static final long NO_SUBTYPE = -1;

  static final long TIGHT = 16;
  static final long VENCRYPT = 19;
  static final long LEGACY_MS_LOGON = 0xFFFFFFFAL;

  /**
   * {@return a type without subtype}
   *
   * @param code the security type
   */
  public static SecurityType of(long code) {
    return new SecurityType(code, NO_SUBTYPE);
  }

  /**
   * {@return a type with a VeNCrypt subtype or Tight sub-authentication}
   *
   * @param code the security type
   * @param subtype the VeNCrypt subtype or Tight authentication code
   */
  public static SecurityType of(long code, long subtype) {
    return new SecurityType(code, subtype);
  }

  /** {@return the readable name, e.g. {@code VeNCrypt/Plain}} */
  public String name() {
    String primary = codeName(code);
    if (subtype == NO_SUBTYPE) {
      return primary;
    }
    String sub = code == VENCRYPT ? venCryptSubtypeName(subtype) : code == TIGHT ? tightAuthName(subtype)
        : Long.toString(subtype);
    return primary + "/" + sub;
  }

  @Override
  public String toString() {
    return name();
  }

  /** Names from rfbproto's registry and from UltraVNC, TigerVNC and Apple (docs/protocol.md#security-types). */
  static String codeName(long code) {
    if (code == LEGACY_MS_LOGON) {
      return "MSLogon";
    }
    switch ((int) code) {
      case 0: return "Invalid";
      case 1: return "None";
      case 2: return "VncAuth";
      case 5: return "RA2";
      case 6: return "RA2ne";
      case 7: return "SSPI";
      case 8: return "SSPIne";
      case 13: return "RA2r";
      case 16: return "Tight";
      case 17: return "Ultra";
      case 18: return "TLS";
      case 19: return "VeNCrypt";
      case 20: return "SASL";
      case 21: return "MD5";
      case 22: return "xvp";
      case 30: return "AppleDH";
      case 104: return "SCPrompt";
      case 105: return "SessionSelect";
      case 113: return "MSLogonII";
      case 114: return "SecureVNCPlugin";
      case 115: return "SecureVNCPluginNew";
      case 116: return "ClientInitExtra";
      case 117: return "ClientInitExtraNew";
      case 118: return "MSLogonIII";
      case 129: return "RA2_256";
      case 130: return "RA2ne_256";
      case 133: return "RA2r_256";
      default: return "Type" + code;
    }
  }

  /** VeNCrypt 0.2 subtypes (docs/protocol.md#vencrypt); plain types nested in VeNCrypt keep their own names. */
  static String venCryptSubtypeName(long subtype) {
    switch ((int) subtype) {
      case 256: return "Plain";
      case 257: return "TLSNone";
      case 258: return "TLSVnc";
      case 259: return "TLSPlain";
      case 260: return "X509None";
      case 261: return "X509Vnc";
      case 262: return "X509Plain";
      case 263: return "TLSSASL";
      case 264: return "X509SASL";
      case 265: return "Ident";
      default: return subtype < 256 ? codeName(subtype) : "Subtype" + subtype;
    }
  }

  /** Tight authentication capability codes (rfbproto "Tight Security Type"). */
  static String tightAuthName(long code) {
    switch ((int) code) {
      case 1: return "None";
      case 2: return "VncAuth";
      case 19: return "VeNCrypt";
      case 20: return "SASL";
      case 129: return "UnixLogin";
      case 130: return "External";
      default: return "Auth" + code;
    }
  }
}
