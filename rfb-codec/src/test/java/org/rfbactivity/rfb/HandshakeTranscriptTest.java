package org.rfbactivity.rfb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rfbactivity.rfb.Wire.ascii;
import static org.rfbactivity.rfb.Wire.bytes;
import static org.rfbactivity.rfb.Wire.filler;
import static org.rfbactivity.rfb.Wire.serverInit;
import static org.rfbactivity.rfb.Wire.u16;
import static org.rfbactivity.rfb.Wire.u16le;
import static org.rfbactivity.rfb.Wire.u32;
import static org.rfbactivity.rfb.Wire.u32le;
import static org.rfbactivity.rfb.Wire.u8;
import static org.rfbactivity.rfb.Wire.zeros;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Handshake transcripts in both directions (docs/protocol.md#handshake), one per version and security-type variant.
 * Each field of each fixture has its comment; the harness checks the pass-through contract for every buffer and
 * {@code finish()} in {@link #finish()}. Each inspectable transcript ends with one KeyEvent to prove the client
 * message phase was found at the right byte.
 */
class HandshakeTranscriptTest {

  private static final byte[] V33 = ascii("RFB 003.003\n");
  private static final byte[] V37 = ascii("RFB 003.007\n");
  private static final byte[] V38 = ascii("RFB 003.008\n");
  /** KeyEvent: type 4, down-flag 1, 2 padding, keysym 'a'. */
  private static final byte[] KEY_A_DOWN = bytes(u8(4), u8(1), zeros(2), u32(0x61));
  private static final String[] KEY_EVENTS = {"key down -1", "input KEY_PRESS"};

  private final InspectorHarness h = new InspectorHarness();

  @AfterEach
  void finish() {
    h.finish();
  }

  private static String[] concat(String[] head, String... tail) {
    String[] out = new String[head.length + tail.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(tail, 0, out, head.length, tail.length);
    return out;
  }

  private static String[] with(String... events) {
    return concat(events, KEY_EVENTS);
  }

  @Test
  void v33None() {
    h.server(V33);                      // ProtocolVersion 3.3
    h.client(V33);                      // client answers 3.3
    h.server(u32(1));                   // 3.3: the server decides, U32 security-type 1 None; no SecurityResult
    h.client(u8(1));                    // ClientInit shared-flag
    h.server(serverInit("x11"));        // ServerInit
    h.client(KEY_A_DOWN);
    assertThat(h.events()).containsExactly(with("handshake 3.3 None", "serverInit 1024x768 'x11'"));
    assertThat(h.listener.serverInits().get(0).pixelFormat())
        .isEqualTo(new PixelFormat(32, 24, false, true, 255, 255, 255, 16, 8, 0));
  }

  @Test
  void v33VncAuth() {
    h.server(V33);                      // ProtocolVersion
    h.client(V33);                      // ProtocolVersion
    h.server(u32(2));                   // security-type 2 VNC authentication
    h.server(filler(16));               // challenge
    h.client(filler(16));               // DES response
    h.server(u32(0));                   // SecurityResult OK
    h.client(u8(0));                    // ClientInit, exclusive
    h.server(serverInit("x11"));        // ServerInit
    h.client(KEY_A_DOWN);
    assertThat(h.events()).containsExactly(with("handshake 3.3 VncAuth", "serverInit 1024x768 'x11'"));
  }

  @Test
  void v37None() {
    h.server(V37);                      // ProtocolVersion 3.7
    h.client(V37);                      // ProtocolVersion 3.7
    h.server(u8(1), u8(1));             // number-of-security-types 1, type 1 None
    h.client(u8(1));                    // client chooses None; 3.7 None has no SecurityResult
    h.client(u8(1));                    // ClientInit
    h.server(serverInit("x11"));        // ServerInit
    h.client(KEY_A_DOWN);
    assertThat(h.events()).containsExactly(with("handshake 3.7 None", "serverInit 1024x768 'x11'"));
  }

  @Test
  void v38None() {
    h.server(V38);                      // ProtocolVersion 3.8
    h.client(V38);                      // ProtocolVersion 3.8
    h.server(u8(2), u8(2), u8(1));      // 2 types: VNC auth, None
    h.client(u8(1));                    // client chooses None
    h.server(u32(0));                   // 3.8: SecurityResult OK even for None
    h.client(u8(1), KEY_A_DOWN);        // ClientInit and a KeyEvent in one segment
    h.server(serverInit("desk"));       // ServerInit
    assertThat(h.events()).containsExactly("handshake 3.8 None", "key down -1", "input KEY_PRESS",
        "serverInit 1024x768 'desk'");
    HandshakeCompleted done = h.listener.handshakes().get(0);
    assertThat(done.version()).hasToString("3.8");
    assertThat(done.serverVersion()).isEqualTo(new RfbVersion(3, 8));
    assertThat(done.securityType()).isEqualTo(SecurityType.of(1));
    assertThat(done.inspectable()).isTrue();
  }

  @Test
  void v38VncAuthSuccess() {
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(1), u8(2));             // 1 type: VNC authentication
    h.client(u8(2));                    // chosen: VNC authentication
    h.server(filler(16));               // challenge
    h.client(filler(16));               // response
    h.server(u32(0));                   // SecurityResult OK
    h.client(u8(1));                    // ClientInit
    h.server(serverInit("x11"));        // ServerInit
    h.client(KEY_A_DOWN);
    assertThat(h.events()).containsExactly(with("handshake 3.8 VncAuth", "serverInit 1024x768 'x11'"));
  }

  @Test
  void v38VncAuthFailureWithReason() {
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(1), u8(2));             // 1 type: VNC authentication
    h.client(u8(2));                    // chosen: VNC authentication
    h.server(filler(16));               // challenge
    h.client(filler(16));               // wrong response
    h.server(u32(1),                    // SecurityResult failed
        u32(22),                        // reason-length (3.8 only)
        ascii("Authentication failure")); // reason-string
    assertThat(h.events()).containsExactly("securityFailed 1 'Authentication failure'");
    assertThat(h.inspector.isBlind()).isFalse();
  }

  @Test
  void v37VncAuthFailureHasNoReason() {
    h.server(V37);                      // ProtocolVersion 3.7
    h.client(V37);                      // ProtocolVersion 3.7
    h.server(u8(1), u8(2));             // 1 type: VNC authentication
    h.client(u8(2));                    // chosen
    h.server(filler(16));               // challenge
    h.client(filler(16));               // response
    h.server(u32(1));                   // SecurityResult failed; 3.3 and 3.7 just close
    assertThat(h.events()).containsExactly("securityFailed 1 ''");
  }

  @Test
  void v33RefusalWithReason() {
    h.server(V33);                      // ProtocolVersion
    h.client(V33);                      // ProtocolVersion
    h.server(u32(0),                    // security-type 0: connection failed
        u32(26),                        // reason-length
        ascii("Too many security failures")); // reason-string
    assertThat(h.events()).containsExactly("securityFailed 0 'Too many security failures'");
  }

  @Test
  void emptySecurityListWithReason() {
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(0),                     // number-of-security-types 0: failure
        u32(7),                         // reason-length
        ascii("go away"));              // reason-string
    assertThat(h.events()).containsExactly("securityFailed 0 'go away'");
  }

  @Test
  void tightWithTunnelListAndVncSubAuth() {
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(1), u8(16));            // 1 type: Tight
    h.client(u8(16));                   // chosen: Tight
    h.server(u32(1),                    // number-of-tunnels 1
        u32(0), ascii("TGHT"), ascii("NOTUNNEL")); // capability: code 0, vendor, signature
    h.client(u32(0));                   // tunnel request: NOTUNNEL
    h.server(u32(2),                    // number-of-auth-types 2
        u32(1), ascii("STDV"), ascii("NOAUTH__"),  // None
        u32(2), ascii("STDV"), ascii("VNCAUTH_")); // VNC authentication
    h.client(u32(2));                   // auth request: VNC authentication
    h.server(filler(16));               // challenge
    h.client(filler(16));               // response
    h.server(u32(0));                   // SecurityResult OK
    h.client(u8(1));                    // ClientInit
    h.server(serverInit("tight"),       // ServerInit
        u16(0), u16(0), u16(0), u16(0)); // Tight interaction capabilities: none (relayed unparsed)
    h.client(KEY_A_DOWN);
    assertThat(h.events()).containsExactly(with("handshake 3.8 Tight/VncAuth", "serverInit 1024x768 'tight'"));
  }

  @Test
  void tightWithoutSubAuthOn38() {
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(1), u8(16));            // 1 type: Tight
    h.client(u8(16));                   // chosen: Tight
    h.server(u32(0));                   // number-of-tunnels 0: the client sends no tunnel request
    h.server(u32(0));                   // number-of-auth-types 0: proceeds as None
    h.server(u32(0));                   // SecurityResult (3.8 sends it for None)
    h.client(u8(1));                    // ClientInit
    h.client(KEY_A_DOWN);
    assertThat(h.events()).containsExactly(with("handshake 3.8 Tight/None"));
  }

  @Test
  void tightNoneSubAuthOn37HasNoSecurityResult() {
    h.server(V37);                      // ProtocolVersion 3.7
    h.client(V37);                      // ProtocolVersion 3.7
    h.server(u8(1), u8(16));            // 1 type: Tight
    h.client(u8(16));                   // chosen: Tight
    h.server(u32(0));                   // no tunnels
    h.server(u32(1), u32(1), ascii("STDV"), ascii("NOAUTH__")); // 1 auth type: None
    h.client(u32(1));                   // auth request: None; 3.7 + None: no SecurityResult
    h.client(u8(1));                    // ClientInit
    h.server(serverInit("t37"));        // ServerInit
    h.client(KEY_A_DOWN);
    assertThat(h.events()).containsExactly(with("handshake 3.7 Tight/None", "serverInit 1024x768 't37'"));
  }

  @Test
  void tightUnixLogin() {
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(1), u8(16));            // Tight
    h.client(u8(16));                   // chosen
    h.server(u32(0));                   // no tunnels
    h.server(u32(1), u32(129), ascii("TGHT"), ascii("ULGNAUTH")); // 1 auth type: Unix login
    h.client(u32(129),                  // auth request: Unix login
        u32(4), u32(6),                 // user length, password length
        filler(4), filler(6));          // user, password
    h.server(u32(0));                   // SecurityResult OK
    h.client(u8(1));                    // ClientInit
    h.client(KEY_A_DOWN);
    assertThat(h.events()).containsExactly(with("handshake 3.8 Tight/UnixLogin"));
  }

  @Test
  void tightTunnelIsBlind() {
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(1), u8(16));            // Tight
    h.client(u8(16));                   // chosen
    h.server(u32(1), u32(7), ascii("XXXX"), ascii("SECRETTN")); // 1 tunnel, an unknown one
    h.client(u32(7));                   // tunnel request 7: encrypted from here on
    h.client(filler(40));               // tunnelled bytes
    assertThat(h.events()).containsExactly("handshake 3.8 Tight blind",
        "lost CLIENT_TO_SERVER ENCRYPTED_SECURITY_TYPE @17");
  }

  @Test
  void atenIkvmIsRecognisedAsDialect() {
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(1), u8(16));            // only [16]: ATEN reuses Tight's number
    h.client(u8(16));                   // chosen
    h.server(u32(0x41544E31L), filler(20)); // 24 opaque bytes, first U32 far above any tunnel count
    h.client(filler(48));               // 24-byte user + 24-byte password
    assertThat(h.events()).containsExactly("handshake 3.8 Tight blind", "lost SERVER_TO_CLIENT ATEN_DIALECT @14");
  }

  @Test
  void venCryptPlain() {
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(1), u8(19));            // 1 type: VeNCrypt
    h.client(u8(19));                   // chosen: VeNCrypt
    h.server(u8(0), u8(2));             // VeNCrypt version 0.2
    h.client(u8(0), u8(2));             // client uses 0.2
    h.server(u8(0));                    // ack: OK
    h.server(u8(2), u32(256), u32(258)); // 2 subtypes (U32): Plain, TLSVnc
    h.client(u32(256));                 // chosen: Plain (no ack for non-TLS subtypes)
    h.client(u32(5), u32(8),            // user length, password length
        filler(5), filler(8));          // user, password
    h.server(u32(0));                   // SecurityResult OK
    h.client(u8(1));                    // ClientInit
    h.server(serverInit("vc"));         // ServerInit
    h.client(KEY_A_DOWN);
    assertThat(h.events()).containsExactly(with("handshake 3.8 VeNCrypt/Plain", "serverInit 1024x768 'vc'"));
  }

  @Test
  void venCryptNestedVncAuth() {
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(2), u8(19), u8(2));     // 2 types: VeNCrypt, VNC auth (TigerVNC's default)
    h.client(u8(19));                   // chosen: VeNCrypt
    h.server(u8(0), u8(2));             // VeNCrypt 0.2
    h.client(u8(0), u8(2));             // client 0.2
    h.server(u8(0));                    // ack OK
    h.server(u8(2), u32(258), u32(2));  // subtypes: TLSVnc, VncAuth (a plain type listed inside VeNCrypt)
    h.client(u32(2));                   // chosen: VncAuth, as noVNC does (it has no TLS)
    h.server(filler(16));               // challenge
    h.client(filler(16));               // response
    h.server(u32(0));                   // SecurityResult OK (always present for VeNCrypt)
    h.client(u8(1));                    // ClientInit
    h.client(KEY_A_DOWN);
    assertThat(h.events()).containsExactly(with("handshake 3.8 VeNCrypt/VncAuth"));
  }

  @Test
  void venCryptTlsIsBlind() {
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(2), u8(19), u8(2));     // VeNCrypt, VNC auth
    h.client(u8(19));                   // chosen: VeNCrypt
    h.server(u8(0), u8(2));             // VeNCrypt 0.2
    h.client(u8(0), u8(2));             // client 0.2
    h.server(u8(0));                    // ack OK
    h.server(u8(2), u32(258), u32(2));  // subtypes
    h.client(u32(258));                 // chosen: TLSVnc, as TigerVNC's viewer does
    h.server(u8(1));                    // TLS ack, then TLS records
    h.server(filler(60));               // ServerHello…
    h.client(filler(90));               // ClientHello…
    assertThat(h.events()).containsExactly("handshake 3.8 VeNCrypt/TLSVnc blind",
        "lost CLIENT_TO_SERVER ENCRYPTED_SECURITY_TYPE @19");
    assertThat(h.inspector.isBlind()).isTrue();
  }

  @Test
  void venCrypt01PlainWithU8Subtypes() {
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(1), u8(19));            // VeNCrypt
    h.client(u8(19));                   // chosen
    h.server(u8(0), u8(2));             // server's highest: 0.2
    h.client(u8(0), u8(1));             // client speaks the obsolete 0.1
    h.server(u8(0));                    // a server that still accepts 0.1
    h.server(u8(2), u8(19), u8(20));    // 0.1 list of U8 subtypes: 19 Plain, 20 TLSNone
    h.client(u8(19));                   // chosen: Plain
    h.client(u32(1), u32(1), filler(2)); // user length, password length, both
    h.server(u32(0));                   // SecurityResult OK
    h.client(u8(1));                    // ClientInit
    h.client(KEY_A_DOWN);
    assertThat(h.events()).containsExactly(with("handshake 3.8 VeNCrypt/Plain"));
  }

  @Test
  void venCryptVersionRefused() {
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(1), u8(19));            // VeNCrypt
    h.client(u8(19));                   // chosen
    h.server(u8(0), u8(2));             // 0.2
    h.client(u8(0), u8(1));             // client 0.1
    h.server(u8(0xFF));                 // TigerVNC: not OK, then it closes
    assertThat(h.events()).containsExactly("securityFailed 0 ''");
  }

  @Test
  void ra2IsBlind() {
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(1), u8(5));             // 1 type: RA2 (everything after is in AES-EAX frames)
    h.client(u8(5));                    // chosen
    h.server(u32(2048), filler(512));   // public key
    h.client(u32(2048), filler(512));   // public key
    assertThat(h.events()).containsExactly("handshake 3.8 RA2 blind",
        "lost CLIENT_TO_SERVER ENCRYPTED_SECURITY_TYPE @13");
  }

  @Test
  void ra2neStaysReadable() {
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(1), u8(6));             // 1 type: RA2ne
    h.client(u8(6));                    // chosen
    h.server(u32(1024),                 // server key length in bits
        filler(128), filler(128));      // modulus, exponent (128 bytes each)
    h.client(u32(1024),                 // client key length in bits
        filler(128), filler(128));      // modulus, exponent
    h.server(u16(128), filler(128));    // encrypted server random
    h.client(u16(128), filler(128));    // encrypted client random
    h.server(u16(20), filler(20), filler(16)); // EAX frame: SHA-1 hash + MAC
    h.client(u16(20), filler(20), filler(16)); // EAX frame: hash + MAC
    h.server(u16(1), filler(1), filler(16));   // EAX frame: subtype + MAC
    h.client(u16(12), filler(12), filler(16)); // EAX frame: U8 ulen, user, U8 plen, password + MAC
    h.server(u32(0));                   // SecurityResult, plain for RA2ne
    h.client(u8(1));                    // ClientInit
    h.server(serverInit("ra2ne"));      // ServerInit
    h.client(KEY_A_DOWN);
    assertThat(h.events()).containsExactly(with("handshake 3.8 RA2ne", "serverInit 1024x768 'ra2ne'"));
  }

  @Test
  void ra2ne256StaysReadable() {
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(1), u8(130));           // 1 type: RA2ne_256
    h.client(u8(130));                  // chosen
    h.server(u32(2048), filler(256), filler(256)); // server public key
    h.client(u32(2048), filler(256), filler(256)); // client public key
    h.server(u16(256), filler(256));    // encrypted random
    h.client(u16(256), filler(256));    // encrypted random
    h.server(u16(32), filler(32), filler(16)); // EAX: SHA-256 hash + MAC
    h.client(u16(32), filler(32), filler(16)); // EAX: hash + MAC
    h.server(u16(1), filler(1), filler(16));   // EAX: subtype + MAC
    h.client(u16(9), filler(9), filler(16));   // EAX: credentials + MAC
    h.server(u32(0));                   // SecurityResult
    h.client(u8(1));                    // ClientInit
    h.client(KEY_A_DOWN);
    assertThat(h.events()).containsExactly(with("handshake 3.8 RA2ne_256"));
  }

  @Test
  void apple3889NoneHasNeitherSecurityResultNorClientInit() {
    h.server(ascii("RFB 003.889\n"));   // Apple ProtocolVersion
    h.client(ascii("RFB 003.889\n"));   // Apple client answers 3.889
    h.server(u8(1), u8(1));             // 1 type: None
    h.client(u8(1));                    // chosen: None; messages start right after this byte
    h.server(serverInit("mac"));        // ServerInit at once (implicit shared)
    h.client(KEY_A_DOWN);               // the first client message, no ClientInit before it
    assertThat(h.events()).containsExactly(with("handshake 3.889 None", "serverInit 1024x768 'mac'"));
  }

  @Test
  void ultraVncRepeaterPrelude() {
    h.server(ascii("RFB 000.000\n"));   // repeater's ProtocolVersion
    h.client(ascii("ID:1234"), zeros(243)); // 250-byte repeater ID, NUL-padded
    h.server(V38);                      // the real server's ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(1), u8(1));             // None
    h.client(u8(1));                    // chosen
    h.server(u32(0));                   // SecurityResult
    h.client(u8(1));                    // ClientInit
    h.client(KEY_A_DOWN);
    assertThat(h.events()).containsExactly(with("handshake 3.8 None"));
  }

  @Test
  void client35IsTreatedAs33() {
    h.server(V38);                      // server offers 3.8
    h.client(ascii("RFB 003.005\n"));   // "wrongly reported by some clients — treat as 3.3"
    h.server(u32(2));                   // 3.3 form: U32 security-type VNC auth
    h.server(filler(16));               // challenge
    h.client(filler(16));               // response
    h.server(u32(0));                   // SecurityResult
    h.client(u8(1));                    // ClientInit
    h.client(KEY_A_DOWN);
    assertThat(h.events()).containsExactly(with("handshake 3.5 VncAuth"));
  }

  @Test
  void client36IsTreatedAs33() {
    h.server(V38);                      // server offers 3.8
    h.client(ascii("RFB 003.006\n"));   // legacy UltraVNC file-transfer client
    h.server(u32(1));                   // 3.3 form: None, no SecurityResult
    h.client(u8(1));                    // ClientInit
    h.client(KEY_A_DOWN);
    assertThat(h.events()).containsExactly(with("handshake 3.6 None"));
  }

  @Test
  void client4xIsTreatedAs38() {
    h.server(ascii("RFB 004.001\n"));   // RealVNC 4.6 server
    h.client(ascii("RFB 004.001\n"));   // a client echoing it: TigerVNC answers it in the 3.8 form
    h.server(u8(1), u8(1));             // None
    h.client(u8(1));                    // chosen
    h.server(u32(0));                   // SecurityResult (3.8 form)
    h.client(u8(1));                    // ClientInit
    h.client(KEY_A_DOWN);
    assertThat(h.events()).containsExactly(with("handshake 4.1 None"));
  }

  @Test
  void unknownSecurityTypeIsBlind() {
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(2), u8(99), u8(2));     // types 99 (unknown) and VNC auth
    h.client(u8(99));                   // chosen: 99
    h.client(filler(20));               // whatever 99 sends
    assertThat(h.events()).containsExactly("handshake 3.8 Type99 blind",
        "lost CLIENT_TO_SERVER UNKNOWN_SECURITY_TYPE @13");
  }

  @Test
  void appleUndocumentedTypeIsBlind() {
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(3), u8(30), u8(33), u8(36)); // macOS offers 30, 33, 36
    h.client(u8(33));                   // 33: undocumented RSA+AES credentials
    assertThat(h.events()).containsExactly("handshake 3.8 Type33 blind",
        "lost CLIENT_TO_SERVER UNKNOWN_SECURITY_TYPE @13");
  }

  @Test
  void saslAndVinoTlsAreBlind() {
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(2), u8(20), u8(18));    // SASL, Vino TLS
    h.client(u8(20));                   // SASL: a security layer may wrap everything after auth
    assertThat(h.events()).containsExactly("handshake 3.8 SASL blind",
        "lost CLIENT_TO_SERVER ENCRYPTED_SECURITY_TYPE @13");
  }

  @Test
  void v33LegacyPluginIsBlind() {
    h.server(V33);                      // ProtocolVersion
    h.client(V33);                      // ProtocolVersion
    h.server(u32(17));                  // 3.3 U32 17: legacy SecureVNC plugin, encrypted
    h.server(filler(30));               // plugin bytes
    assertThat(h.events()).containsExactly("handshake 3.3 Ultra blind",
        "lost SERVER_TO_CLIENT ENCRYPTED_SECURITY_TYPE @16");
  }

  @Test
  void msLogonII() {
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(1), u8(113));           // MS-Logon II
    h.client(u8(113));                  // chosen
    h.server(filler(8), filler(8), filler(8)); // generator, modulus, server public key
    h.client(filler(8), filler(256), filler(64)); // client public key, encrypted user, encrypted password
    h.server(u32(0));                   // SecurityResult
    h.client(u8(1));                    // ClientInit
    h.client(KEY_A_DOWN);
    assertThat(h.events()).containsExactly(with("handshake 3.8 MSLogonII"));
  }

  @Test
  void v33LegacyMsLogon() {
    h.server(V33);                      // ProtocolVersion
    h.client(V33);                      // ProtocolVersion
    h.server(u32(0xFFFFFFFAL));         // UltraVNC legacy MS-Logon: DH exchange as 113
    h.server(filler(24));               // generator, modulus, public key
    h.client(filler(328));              // public key, user, password
    h.server(u32(0));                   // SecurityResult
    h.client(u8(1));                    // ClientInit
    h.client(KEY_A_DOWN);
    assertThat(h.events()).containsExactly(with("handshake 3.3 MSLogon"));
  }

  @Test
  void xvp() {
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(1), u8(22));            // xvp
    h.client(u8(22));                   // chosen
    h.client(u8(4), u8(3),              // user length, target length (noVNC sends them first)
        ascii("root"), ascii("vm1"));   // user, target
    h.server(filler(16));               // challenge
    h.client(filler(16));               // response
    h.server(u32(0));                   // SecurityResult
    h.client(u8(1));                    // ClientInit
    h.client(KEY_A_DOWN);
    assertThat(h.events()).containsExactly(with("handshake 3.8 xvp"));
  }

  @Test
  void appleDiffieHellman() {
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(1), u8(30));            // Apple DH
    h.client(u8(30));                   // chosen
    h.server(u16(2), u16(128),          // generator, key length
        filler(128), filler(128));      // prime, server public key
    h.client(filler(128), filler(128)); // AES-encrypted credentials, client public key
    h.server(u32(0));                   // SecurityResult
    h.client(u8(1));                    // ClientInit
    h.client(KEY_A_DOWN);
    assertThat(h.events()).containsExactly(with("handshake 3.8 AppleDH"));
  }

  @Test
  void ultraVncContinuesWithAnotherRound() {
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(2), u8(17), u8(2));     // Ultra, VNC auth
    h.client(u8(17));                   // chosen: Ultra (no bytes of its own)
    h.server(u32(0xFFFFFFFFL));         // SecurityResult rfbVncAuthContinue: another round
    h.server(u8(1), u8(2));             // new list: VNC auth
    h.client(u8(2));                    // chosen
    h.server(filler(16));               // challenge
    h.client(filler(16));               // response
    h.server(u32(0));                   // SecurityResult OK
    h.client(u8(1));                    // ClientInit
    h.client(KEY_A_DOWN);
    assertThat(h.events()).containsExactly(with("handshake 3.8 VncAuth"));
  }

  @Test
  void ultraVncPromptSessionSelectAndOldClientInitExtra() {
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(1), u8(0x68));          // SCPrompt
    h.client(u8(0x68));                 // chosen
    h.server(u32le(5), ascii("Allow")); // U32 little-endian length + prompt text
    h.client(u32le(1));                 // U32 little-endian: accepted
    h.server(u32(0xFFFFFFFFL));         // another round
    h.server(u8(1), u8(0x69));          // SessionSelect
    h.client(u8(0x69));                 // chosen (no bytes)
    h.server(u32(0xFFFFFFFFL));         // another round
    h.server(u8(1), u8(0x74));          // ClientInitExtra (old)
    h.client(u8(0x74), u8(3), ascii("abc")); // chosen, U8 length + text right after the type
    h.server(u32(0xFFFFFFFFL));         // another round
    h.server(u8(1), u8(1));             // None
    h.client(u8(1));                    // chosen
    h.server(u32(0));                   // SecurityResult
    h.client(u8(1));                    // ClientInit
    h.client(KEY_A_DOWN);
    assertThat(h.events()).containsExactly(with("handshake 3.8 None"));
  }

  @Test
  void ultraVncSecurityResultForNoneOn37() {
    h.server(V37);                      // ProtocolVersion 3.7
    h.client(V37);                      // ProtocolVersion 3.7
    h.server(u8(1), u8(1));             // None
    h.client(u8(1));                    // chosen
    h.server(u32(0));                   // UltraVNC sends a SecurityResult even for None on 3.7
    h.client(u8(1));                    // ClientInit
    h.server(serverInit("ultra"));      // ServerInit
    h.client(KEY_A_DOWN);
    assertThat(h.events()).containsExactly(with("handshake 3.7 None", "serverInit 1024x768 'ultra'"));
  }

  @Test
  void ultraVncClientInitExtraInfo() {
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(2), u8(1), u8(0x75));   // None, ClientInitExtraMsgSupportNew (advertisement only)
    h.client(u8(1));                    // chosen: None
    h.server(u32(0));                   // SecurityResult
    h.client(u8(0x03),                  // ClientInit flags: shared | extra info follows
        u8(5), ascii("hello"));         // U8 length + text
    h.client(KEY_A_DOWN);
    assertThat(h.events()).containsExactly(with("handshake 3.8 None"));
  }

  @Test
  void singleClickPrompt() {
    h.server(ascii("RFB 003.016\n"));   // UltraVNC SC: 3.16
    h.client(ascii("RFB 003.016\n"));   // echoed: a prompt follows, then both use 3.6
    h.server(u32le(9), ascii("Allow me?")); // U32 little-endian length + text
    h.client(u32le(1));                 // accept
    h.server(u32(1));                   // 3.6 → 3.3 form: None, no SecurityResult
    h.client(u8(1));                    // ClientInit
    h.client(KEY_A_DOWN);
    assertThat(h.events()).containsExactly(with("handshake 3.16 None"));
  }

  @Test
  void repeaterKeepAliveInPlaceOfTheVersion() {
    h.server(V38);                      // ProtocolVersion
    h.client(ascii("REP"), zeros(9));   // repeater keep-alive: the server reads another version
    h.client(V38);                      // ProtocolVersion
    h.server(u8(1), u8(1));             // None
    h.client(u8(1));                    // chosen
    h.server(u32(0));                   // SecurityResult
    h.client(u8(1));                    // ClientInit
    h.client(KEY_A_DOWN);
    assertThat(h.events()).containsExactly(with("handshake 3.8 None"));
  }

  @Test
  void badServerVersionIsBlind() {
    h.server(filler(12));               // an encrypted stream from byte 0 (DSM plugin)
    h.client(filler(12));
    assertThat(h.events()).containsExactly("lost SERVER_TO_CLIENT BAD_VERSION @0");
  }

  @Test
  void badClientVersionIsBlind() {
    h.server(V38);                      // ProtocolVersion
    h.client(ascii("RFB 3.8     "));    // not "RFB ddd.ddd\n"
    assertThat(h.events()).containsExactly("lost CLIENT_TO_SERVER BAD_VERSION @0");
  }

  @Test
  void clientSpeakingFirstIsUnexpected() {
    h.client(V38);                      // before the server's ProtocolVersion
    h.server(V38);
    assertThat(h.events()).containsExactly("lost CLIENT_TO_SERVER UNEXPECTED_DATA @0");
  }

  @Test
  void desktopNameIsCappedAt256Bytes() {
    String longName = "n".repeat(300);
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(1), u8(1));             // None
    h.client(u8(1));                    // chosen
    h.server(u32(0));                   // SecurityResult
    h.client(u8(1));                    // ClientInit
    h.server(serverInit(longName));     // ServerInit with a 300-byte name
    ServerInit init = h.listener.serverInits().get(0);
    assertThat(init.name()).isEqualTo("n".repeat(ServerInit.MAX_NAME_BYTES));
    assertThat(init.nameLength()).isEqualTo(300);
    assertThat(init.width()).isEqualTo(1024);
    assertThat(init.height()).isEqualTo(768);
  }

  @Test
  void aDesktopNameCutInsideAUtf8CharacterKeepsTheWholeCharactersBeforeTheCut() {
    String name = "日".repeat(100);   // 300 bytes of 3-byte UTF-8: the 256-byte cap falls inside the 86th
    h.noneHandshake();
    h.server(serverInit(name));         // ServerInit
    ServerInit init = h.listener.serverInits().get(0);
    assertThat(init.name()).isEqualTo("日".repeat(85));
    assertThat(init.nameLength()).isEqualTo(300);
  }

  @Test
  void aFailureReasonCutInsideAUtf8CharacterKeepsTheWholeCharactersBeforeTheCut() {
    byte[] reason = "€".repeat(100).getBytes(java.nio.charset.StandardCharsets.UTF_8); // 300 bytes
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(0),                     // number-of-security-types 0: failure
        u32(reason.length),             // reason-length 300
        reason);                        // reason-string, cut at 256 bytes: 85 whole characters and a third
    assertThat(h.events()).containsExactly("securityFailed 0 '" + "€".repeat(85) + "'");
  }

  @Test
  void aNameThatIsNotUtf8IsLatin1() {
    h.noneHandshake();
    h.server(u16(640), u16(480), Wire.pixelFormat32(), // ServerInit header
        u32(4), u8(0x63, 0x61, 0x66, 0xE9));             // "café" in Latin-1: 0xE9 is not valid UTF-8
    assertThat(h.listener.serverInits().get(0).name()).isEqualTo("café");
  }

  /**
   * A client whose bytes arrive before the server bytes that decide their framing (possible only for a client that
   * pipelines, since on one event loop the inspector sees each server byte before the client can answer it,
   * docs/protocol.md#one-event-loop-for-both-directions): the inspector never guesses a length; it goes blind at the
   * first such byte.
   */
  @Test
  void clientTypeChoiceBeforeTheServersList() {
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.client(u8(1), u8(1));             // a type and ClientInit before the server listed any type (offset 12)
    h.server(u8(1), u8(1));             // the list arrives too late
    assertThat(h.events()).containsExactly("lost CLIENT_TO_SERVER UNEXPECTED_DATA @12");
  }

  @Test
  void client33BytesBeforeTheServersSecurityType() {
    h.server(V33);                      // ProtocolVersion
    h.client(V33, u8(1));               // ProtocolVersion and a ClientInit assuming None (offset 12)
    h.server(u32(2), filler(16));       // the server decided VNC authentication: the byte was not ClientInit
    assertThat(h.events()).containsExactly("lost CLIENT_TO_SERVER UNEXPECTED_DATA @12");
  }

  @Test
  void clientTightAuthChoiceBeforeTheServersLists() {
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(1), u8(16));            // Tight
    h.client(u8(16), u32(2));           // chosen, and an auth choice before any tunnel or auth list (offset 13)
    assertThat(h.events()).containsExactly("handshake 3.8 Tight blind", "lost CLIENT_TO_SERVER UNEXPECTED_DATA @13");
  }

  @Test
  void clientAppleDhResponseBeforeTheServersKey() {
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(1), u8(30));            // Apple DH
    h.client(u8(30), filler(256));      // chosen, and a response sized by a key length not yet known (offset 13)
    assertThat(h.events()).containsExactly("handshake 3.8 AppleDH blind",
        "lost CLIENT_TO_SERVER UNEXPECTED_DATA @13");
  }

  @Test
  void clientVenCryptSubtypeBeforeTheServersAck() {
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(1), u8(19));            // VeNCrypt
    h.client(u8(19));                   // chosen
    h.server(u8(0), u8(2));             // VeNCrypt 0.2
    h.client(u8(0), u8(2), u32(256));   // version, and a subtype before the ack and the list (offset 15)
    assertThat(h.events()).containsExactly("handshake 3.8 VeNCrypt blind",
        "lost CLIENT_TO_SERVER UNEXPECTED_DATA @15");
  }

  @Test
  void clientNextRoundBeforeUltraVncsContinue() {
    h.server(V38);                      // ProtocolVersion
    h.client(V38);                      // ProtocolVersion
    h.server(u8(2), u8(17), u8(2));     // Ultra, VNC auth
    h.client(u8(17), u8(2));            // Ultra, and a next choice before the server's 0xFFFFFFFF (offset 13)
    assertThat(h.events()).containsExactly("handshake 3.8 Ultra blind", "lost CLIENT_TO_SERVER UNEXPECTED_DATA @13");
  }
}
