package org.rfbactivity.rfb;

/**
 * Credentials the client sends in the clear, after which the server answers with its SecurityResult and nothing
 * else: VeNCrypt Plain (256) and Tight Unix login (129) send U32 user length, U32 password length, user, password
 * (docs/protocol.md#tight-unix-login); VeNCrypt Ident (265) sends U32 length + user name
 * (docs/protocol.md#vencrypt-plain-and-ident).
 */
final class ClientCredentialsExchange extends SecurityExchange {

  /** Credentials longer than this are not a login (TigerVNC and libvncserver cap names far lower). */
  static final long MAX_CREDENTIAL_BYTES = 65536;

  private final boolean withPassword;
  private boolean skipping;

  private ClientCredentialsExchange(boolean withPassword) {
    this.withPassword = withPassword;
  }

  /** VeNCrypt Plain, Tight Unix login. */
  static ClientCredentialsExchange userPassword() {
    return new ClientCredentialsExchange(true);
  }

  /** VeNCrypt Ident. */
  static ClientCredentialsExchange ident() {
    return new ClientCredentialsExchange(false);
  }

  @Override
  boolean server(HandshakeParser in) {
    return true;
  }

  @Override
  boolean client(HandshakeParser in) {
    if (!withPassword) {
      if (!skipping) {
        in.startPrefixed(4);
        skipping = true;
      }
      return in.prefixedSkipped(MAX_CREDENTIAL_BYTES);
    }
    if (!skipping) {
      if (!in.field(8)) {
        return false;
      }
      long userLength = in.fieldBytes().getUnsignedInt(0);
      long passwordLength = in.fieldBytes().getUnsignedInt(4);
      in.consumeField();
      if (userLength > MAX_CREDENTIAL_BYTES || passwordLength > MAX_CREDENTIAL_BYTES) {
        in.implausible(Math.max(userLength, passwordLength));
        return false;
      }
      in.startSkip(userLength + passwordLength);
      skipping = true;
    }
    return in.skipped();
  }
}
