package org.rfbactivity.rfb;

import static org.rfbactivity.rfb.Wire.ascii;
import static org.rfbactivity.rfb.Wire.bytes;
import static org.rfbactivity.rfb.Wire.filler;
import static org.rfbactivity.rfb.Wire.u16;
import static org.rfbactivity.rfb.Wire.u16le;
import static org.rfbactivity.rfb.Wire.u32;
import static org.rfbactivity.rfb.Wire.u32le;
import static org.rfbactivity.rfb.Wire.u8;
import static org.rfbactivity.rfb.Wire.zeros;

import java.util.List;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generates valid connections: any protocol version (3.3, 3.5, 3.6, 3.7, 3.8, 3.889, 4.1, the UltraVNC repeater and
 * SingleClick variants), any inspectable security type with its exchange (docs/protocol.md#security-types), then any
 * mix of client messages (docs/protocol.md#client-messages) interleaved with server traffic. The expected handshake
 * line and number of inputs are stated by the generator, from the spec, independently of the parser.
 */
final class Connections {

  private Connections() {
  }

  /** A named piece of a transcript, so a shrunk counterexample reads like the protocol. */
  record Step(String name, Consumer<Transcript> body) {
    void writeTo(Transcript t) {
      t.step(name);
      body.accept(t);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** A security exchange that runs after the type byte, with the name the inspector reports. */
  record Security(int type, String name, boolean noneLike, Consumer<Transcript> exchange) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Arbitrary<Transcript> valid() {
    return Combinators.combine(handshakes(), messages().list().ofMaxSize(25)).as((handshake, messages) -> {
      Transcript t = new Transcript();
      handshake.writeTo(t);
      t.firstMessageSegment = t.segments().size();
      messages.forEach(m -> m.writeTo(t));
      return t;
    });
  }

  /**
   * Valid connections of KasmVNC's web client: a handshake, a SetEncodings that announces the dialect, then any mix
   * of the messages KasmVNC frames (docs/protocol.md#kasmvnc-client-messages), standard ones with their framing.
   */
  static Arbitrary<Transcript> kasmValid() {
    return Combinators.combine(handshakes(), kasmMessages().list().ofMaxSize(25)).as((handshake, messages) -> {
      Transcript t = new Transcript();
      handshake.writeTo(t);
      t.firstMessageSegment = t.segments().size();
      t.step("SetEncodings [Tight, KasmVNC DisconnectNotify]");
      t.client(u8(2), u8(0), u16(2), u32(7), u32(-1885));
      messages.forEach(m -> m.writeTo(t));
      return t;
    });
  }

  /** Valid handshakes up to and including ServerInit. */
  static Arbitrary<Step> handshakes() {
    return Arbitraries.oneOf(form33(), listForm(), apple889None());
  }

  // ---- handshakes -------------------------------------------------------------------------------------------

  private static Arbitrary<Step> form33() {
    Arbitrary<String> versions = Arbitraries.of("003.003", "003.004", "003.005", "003.006", "003.014", "003.016");
    Arbitrary<Integer> types = Arbitraries.of(1, 2, -6);
    return Combinators.combine(versions, types, names()).as((version, type, name) -> new Step(
        "v" + version + " type " + type, t -> {
          boolean singleClick = version.equals("003.014") || version.equals("003.016");
          t.server(ascii("RFB " + version + "\n"));
          t.client(ascii("RFB " + version + "\n"));
          if (singleClick) {
            t.server(u32le(3), ascii("ok?"));
            t.client(u32le(1));
          }
          t.server(u32(type & 0xFFFFFFFFL));
          String label;
          if (type == 1) {
            label = "None";
          } else if (type == 2) {
            t.server(filler(16));
            t.client(filler(16));
            t.server(u32(0));
            label = "VncAuth";
          } else {
            t.server(filler(24));
            t.client(filler(328));
            t.server(u32(0));
            label = "MSLogon";
          }
          String shown = new RfbVersion(3, Integer.parseInt(version.substring(4))).toString();
          t.expectedHandshake = "handshake " + shown + " " + label;
          clientInitAndServerInit(t, false, name);
        }));
  }

  /** The protocol versions of the 3.7/3.8 list form ("repeater" = 3.8 behind UltraVNC's repeater prelude). */
  static final List<String> LIST_FORM_VERSIONS =
      List.of("003.007", "003.008", "004.001", "005.000", "003.889", "003.018", "repeater");
  /**
   * How server and client order the end of the security phase: as the spec says; an UltraVNC server's
   * SecurityResult even for None on 3.7; a client pipelining ClientInit before the result (ATEN)
   * (docs/protocol.md#when-a-securityresult-is-sent).
   */
  static final List<String> ENDINGS = List.of("spec", "ultravnc", "pipelined");

  private static Arbitrary<Step> listForm() {
    Arbitrary<List<Integer>> rounds = Arbitraries.of(17, 0x68, 0x69, 0x74).list().ofMaxSize(3);
    return Combinators.combine(Arbitraries.of(LIST_FORM_VERSIONS), securities(), rounds, Arbitraries.of(false, true),
            names(), Arbitraries.of(ENDINGS))
        .as((version, security, ultraRounds, extraInfo, name, ending) -> new Step(
            "v" + version + " " + security + (ultraRounds.isEmpty() ? "" : " after rounds " + ultraRounds)
                + (extraInfo ? " +ClientInit extra" : "") + " " + ending,
            t -> listForm(t, version, security, ultraRounds, extraInfo, name, ending)));
  }

  /** A 3.7/3.8-form handshake up to and including ServerInit, with the expected events stated. */
  static void listForm(Transcript t, String version, Security security, List<Integer> ultraRounds,
      boolean extraInfo, String name, String ending) {
    String wire = version.equals("repeater") ? "003.008" : version;
    if (version.equals("repeater")) {
      t.server(ascii("RFB 000.000\n"));
      t.client(ascii("ID:42"), zeros(245));
    }
    t.server(ascii("RFB " + wire + "\n"));
    t.client(ascii("RFB " + wire + "\n"));
    if (wire.equals("003.018")) {
      t.server(u32le(6), ascii("Allow?"));   // SingleClick prompt, then both use 3.8
      t.client(u32le(1));
    }
    RfbVersion clientVersion = new RfbVersion(Integer.parseInt(wire.substring(0, 3)),
        Integer.parseInt(wire.substring(4)));
    for (int round : ultraRounds) {
      t.server(u8(2), u8(round), u8(2));  // an UltraVNC round-continuing type, VNC auth
      t.client(u8(round));
      if (round == 0x68) {
        t.server(u32le(5), ascii("Allow"));  // SCPrompt: U32 LE length + text
        t.client(u32le(1));                  // U32 LE: accepted
      } else if (round == 0x74) {
        t.client(u8(4), ascii("info"));      // old ClientInitExtra: U8 length + text
      }
      t.server(u32(0xFFFFFFFFL));            // rfbVncAuthContinue: another round
    }
    if (extraInfo) {
      t.server(u8(2), u8(security.type()), u8(0x75));
    } else {
      t.server(u8(1), u8(security.type()));
    }
    t.client(u8(security.type()));
    security.exchange().accept(t);
    t.expectedHandshake = "handshake " + clientVersion + " " + security.name();
    t.expectedServerInit = "serverInit 1024x768 '" + name + "'";
    if (clientVersion.minor() == 889 && security.type() == 1) {
      // Apple 3.889 + None: no SecurityResult, no ClientInit (docs/protocol.md#when-a-securityresult-is-sent)
      t.server(Wire.serverInit(name));
      return;
    }
    boolean resultOnWire = !(security.noneLike() && clientVersion.effectiveMinor() == 7);
    if (ending.equals("pipelined") && resultOnWire) {
      clientInit(t, extraInfo);
      t.server(u32(0));
    } else {
      if (resultOnWire || ending.equals("ultravnc")) {
        t.server(u32(0));
      }
      clientInit(t, extraInfo);
    }
    t.server(Wire.serverInit(name));
  }

  private static Arbitrary<Step> apple889None() {
    return names().map(name -> new Step("Apple 3.889 None", t -> {
      t.server(ascii("RFB 003.889\n"));
      t.client(ascii("RFB 003.889\n"));
      t.server(u8(3), u8(30), u8(2), u8(1));
      t.client(u8(1));                         // None: no SecurityResult, no ClientInit
      t.expectedHandshake = "handshake 3.889 None";
      t.server(Wire.serverInit(name));
      t.expectedServerInit = "serverInit 1024x768 '" + name + "'";
    }));
  }

  private static void clientInitAndServerInit(Transcript t, boolean extraInfo, String name) {
    clientInit(t, extraInfo);
    t.server(Wire.serverInit(name));
    t.expectedServerInit = "serverInit 1024x768 '" + name + "'";
  }

  private static void clientInit(Transcript t, boolean extraInfo) {
    if (extraInfo) {
      t.client(u8(3), u8(4), ascii("info"));   // UltraVNC flags: shared | extra info, U8 length + text
    } else {
      t.client(u8(1));
    }
  }

  private static Arbitrary<String> names() {
    return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(0).ofMaxLength(12);
  }

  /** Security types of the 3.7/3.8 list form whose streams stay readable (docs/protocol.md#security-types). */
  static Arbitrary<Security> securities() {
    return Arbitraries.oneOf(
        Arbitraries.just(new Security(1, "None", true, t -> { })),
        Arbitraries.just(new Security(2, "VncAuth", false, Connections::vncAuth)),
        Arbitraries.of(1024, 2048).map(bits -> new Security(6, "RA2ne", false, t -> ra2ne(t, bits, 20))),
        Arbitraries.just(new Security(130, "RA2ne_256", false, t -> ra2ne(t, 2048, 32))),
        Arbitraries.just(new Security(22, "xvp", false, t -> {
          t.client(u8(4), u8(2), ascii("user"), ascii("vm"));
          vncAuth(t);
        })),
        Arbitraries.of(128, 256).map(key -> new Security(30, "AppleDH", false, t -> {
          t.server(u16(2), u16(key), filler(key), filler(key));
          t.client(filler(128), filler(key));
        })),
        Arbitraries.just(new Security(113, "MSLogonII", false, t -> {
          t.server(filler(24));
          t.client(filler(328));
        })),
        Arbitraries.just(new Security(118, "MSLogonIII", false, t -> {
          t.server(filler(32));
          t.client(filler(352));
        })),
        tight(),
        venCrypt());
  }

  private static Arbitrary<Security> tight() {
    return Combinators.combine(Arbitraries.of(false, true), Arbitraries.of(0, 1, 2, 129)).as((tunnel, auth) -> {
      String sub = auth == 0 || auth == 1 ? "None" : auth == 2 ? "VncAuth" : "UnixLogin";
      return new Security(16, "Tight/" + sub, auth <= 1, t -> {
        if (tunnel) {
          t.server(u32(1), u32(0), ascii("TGHT"), ascii("NOTUNNEL"));
          t.client(u32(0));
        } else {
          t.server(u32(0));
        }
        if (auth == 0) {
          t.server(u32(0));                    // no auth types: None
          return;
        }
        t.server(u32(1), u32(auth), ascii("STDV"), ascii("SIGNATUR"));
        t.client(u32(auth));
        if (auth == 2) {
          vncAuth(t);
        } else if (auth == 129) {
          t.client(u32(3), u32(5), filler(8));
        }
      });
    });
  }

  private static Arbitrary<Security> venCrypt() {
    Arbitrary<Security> v02 = Arbitraries.of(256, 265, 1, 2, 6, 22, 30, 113, 118, 130).map(subtype -> {
      String sub = SecurityType.venCryptSubtypeName(subtype);
      return new Security(19, "VeNCrypt/" + sub, false, t -> {
        t.server(u8(0), u8(2));
        t.client(u8(0), u8(2));
        t.server(u8(0));
        t.server(u8(3), u32(258), u32(subtype), u32(262));
        t.client(u32(subtype));
        nestedExchange(t, subtype);
      });
    });
    // The obsolete 0.1: U8 subtypes, 19 = Plain (docs/protocol.md#vencrypt)
    Arbitrary<Security> v01 = Arbitraries.just(new Security(19, "VeNCrypt/Plain", false, t -> {
      t.server(u8(0), u8(2));
      t.client(u8(0), u8(1));
      t.server(u8(0));
      t.server(u8(2), u8(19), u8(21));
      t.client(u8(19));
      t.client(u32(2), u32(3), filler(5));
    }));
    return Arbitraries.oneOf(v02, v01);
  }

  /** The exchange of a subtype chosen inside VeNCrypt (docs/protocol.md#vencrypt). */
  private static void nestedExchange(Transcript t, int subtype) {
    switch (subtype) {
      case 256 -> t.client(u32(4), u32(4), filler(8));
      case 265 -> t.client(u32(6), filler(6));
      case 2 -> vncAuth(t);
      case 6 -> ra2ne(t, 1024, 20);
      case 130 -> ra2ne(t, 2048, 32);
      case 22 -> {
        t.client(u8(2), u8(3), ascii("me"), ascii("vm7"));
        vncAuth(t);
      }
      case 30 -> {
        t.server(u16(5), u16(64), filler(64), filler(64));
        t.client(filler(128), filler(64));
      }
      case 113 -> {
        t.server(filler(24));
        t.client(filler(328));
      }
      case 118 -> {
        t.server(filler(32));
        t.client(filler(352));
      }
      default -> { }
    }
  }

  private static void vncAuth(Transcript t) {
    t.server(filler(16));
    t.client(filler(16));
  }

  private static void ra2ne(Transcript t, int bits, int hash) {
    int key = (bits + 7) / 8;
    t.server(u32(bits), filler(key), filler(key));
    t.client(u32(bits), filler(key), filler(key));
    t.server(u16(key), filler(key));
    t.client(u16(key), filler(key));
    t.server(u16(hash), filler(hash), filler(16));
    t.client(u16(hash), filler(hash), filler(16));
    t.server(u16(1), filler(1), filler(16));
    t.client(u16(10), filler(10), filler(16));
  }

  // ---- client messages --------------------------------------------------------------------------------------

  /** Any client message (docs/protocol.md#client-messages) that stays framable, or a burst of server traffic. */
  static Arbitrary<Step> messages() {
    return Arbitraries.oneOf(List.of(
        keyEvents(), pointerEvents(), setEncodings(), cutTexts(), fences(), desktopSizes(), gii(), qemu(),
        textChats(), fixedSize(), serverTraffic()));
  }

  /** KasmVNC's own messages and the standard ones its server reads, never one it does not frame. */
  static Arbitrary<Step> kasmMessages() {
    return Arbitraries.oneOf(List.of(
        keyEvents(), kasmPointers(), directMice(), binaryClipboards(), kasmFixedSize(), udpUpgrades(),
        unixRelays(), setEncodings(), cutTexts(), fences(), desktopSizes(), qemu(), serverTraffic()));
  }

  private static Arbitrary<Step> kasmPointers() {
    return Combinators.combine(Arbitraries.integers().between(0, 0xFFFF), Arbitraries.integers().between(0, 4),
        Arbitraries.integers().between(0, 4), Arbitraries.of(0, 0, 1, -1, 0x7FFF, 0x8000))
        .as((mask, x, y, scroll) -> new Step("Kasm pointer " + mask + " scroll " + scroll, t -> {
          t.client(u8(5), u16(mask), u16(x), u16(y), u16(scroll), u16(-scroll));
          t.expectedInputs++;
        }));
  }

  private static Arbitrary<Step> directMice() {
    return Combinators.combine(Arbitraries.integers().between(0, 255), Arbitraries.of(0, 1, -1, 0x7FFF, 0x8000),
        Arbitraries.of(0, 3, -3), Arbitraries.of(0, 0, 1, -1))
        .as((buttons, dx, dy, scroll) -> new Step("direct mouse " + buttons + " " + dx + "," + dy, t -> {
          t.client(u8(188), u8(buttons), u16(dx), u16(dy), u16(scroll), u16(scroll));
          t.expectedInputs++;
        }));
  }

  private static Arbitrary<Step> binaryClipboards() {
    // each entry: mime length, data length
    Arbitrary<List<List<Integer>>> entries = Combinators.combine(Arbitraries.integers().between(0, 40),
        Arbitraries.integers().between(0, 60)).as((mime, data) -> List.of(mime, data)).list().ofMaxSize(4);
    return entries.map(list -> new Step("BinaryClipboard " + list, t -> {
      byte[][] fields = new byte[1 + list.size()][];
      fields[0] = bytes(u8(180), u8(list.size()));
      for (int i = 0; i < list.size(); i++) {
        int mime = list.get(i).get(0);
        int data = list.get(i).get(1);
        fields[i + 1] = bytes(u8(mime), filler(mime), u32(data), filler(data));
      }
      t.client(fields);
      t.expectedInputs++;
    }));
  }

  /** 178 RequestStats, 179 FrameStats, 185 KeepAlive, 252 SetMaxVideoResolution; 0, 3, 150 as everywhere. */
  private static Arbitrary<Step> kasmFixedSize() {
    return Arbitraries.of(0, 3, 150, 178, 179, 185, 252).map(type -> new Step("type " + type, t -> {
      t.client(u8(type), filler(ClientMessageType.forKasmCode(type).length - 1));
      if (type == 185) {
        t.expectedInputs++;
      }
    }));
  }

  private static Arbitrary<Step> udpUpgrades() {
    // 4096 and above: KasmVNC's server skips the payload unread, the framing is the same
    return Arbitraries.oneOf(Arbitraries.integers().between(0, 60), Arbitraries.just(4096))
        .map(length -> new Step("UpgradeToUdp " + length, t -> t.client(u8(181), u16(length), filler(length))));
  }

  /** 182 SubscribeUnixRelay (any name length: the server skips long ones alone) and 183 UnixRelay (names to 63). */
  private static Arbitrary<Step> unixRelays() {
    return Combinators.combine(Arbitraries.of(false, true), Arbitraries.integers().between(0, 255),
        Arbitraries.integers().between(0, 60)).as((relay, name, data) -> relay
            ? new Step("UnixRelay " + name % 64 + " " + data,
                t -> t.client(u8(183), u8(name % 64), filler(name % 64), u32(data), filler(data)))
            : new Step("SubscribeUnixRelay " + name, t -> t.client(u8(182), u8(name), filler(name))));
  }

  private static Arbitrary<Step> keyEvents() {
    return Combinators.combine(Arbitraries.of(true, false), Arbitraries.integers())
        .as((down, keysym) -> new Step("key " + down, t -> {
          t.client(u8(4), u8(down ? 1 : 0), zeros(2), u32(keysym));
          t.expectedInputs++;
        }));
  }

  private static Arbitrary<Step> pointerEvents() {
    return Combinators.combine(Arbitraries.integers().between(0, 255), Arbitraries.integers().between(0, 3),
        Arbitraries.integers().between(0, 4), Arbitraries.integers().between(0, 4), Arbitraries.of(false, true))
        .as((mask, extra, x, y, extended) -> new Step("pointer " + mask, t -> {
          if (t.extendedMouse && extended) {
            t.client(u8(5), u8(mask | 0x80), u16(x), u16(y), u8(extra));
          } else if (t.extendedMouse) {
            t.client(u8(5), u8(mask & 0x7F), u16(x), u16(y));
          } else {
            t.client(u8(5), u8(mask), u16(x), u16(y));
          }
          t.expectedInputs++;
        }));
  }

  private static Arbitrary<Step> setEncodings() {
    Arbitrary<Integer> encoding = Arbitraries.oneOf(Arbitraries.of(0, 1, 5, 16, -223, -239, -308, -312, -316,
        -257, -258, -305, -769, -2049, 0xC0A1E5CE, 0xFFFF8001, Integer.MIN_VALUE),
        Arbitraries.integers().between(-769, 0x7FFF));
    return encoding.list().ofMaxSize(12).map(list -> new Step("SetEncodings " + list, t -> {
      byte[][] fields = new byte[list.size() + 1][];
      fields[0] = bytes(u8(2), u8(0), u16(list.size()));
      for (int i = 0; i < list.size(); i++) {
        fields[i + 1] = u32(list.get(i));
      }
      t.client(fields);
      t.extendedMouse = list.contains(ClientMessageParser.EXTENDED_MOUSE_BUTTONS);
    }));
  }

  private static Arbitrary<Step> cutTexts() {
    return Arbitraries.integers().between(-40, 40).map(length -> new Step("ClientCutText " + length, t -> {
      t.client(u8(6), zeros(3), u32(length), filler(Math.abs(length)));
      t.expectedInputs++;
    }));
  }

  private static Arbitrary<Step> fences() {
    return Arbitraries.integers().between(0, 255).map(length -> new Step("ClientFence " + length,
        t -> t.client(u8(248), zeros(3), u32(0x80000001L), u8(length), filler(length))));
  }

  private static Arbitrary<Step> desktopSizes() {
    return Arbitraries.integers().between(0, 4).map(screens -> new Step("SetDesktopSize " + screens, t -> {
      t.client(u8(251), u8(0), u16(800), u16(600), u8(screens), u8(0), filler(16 * screens));
      t.expectedInputs++;
    }));
  }

  private static Arbitrary<Step> gii() {
    Arbitrary<Integer> eventTypes = Arbitraries.integers().between(1, 14);
    return Combinators.combine(Arbitraries.of(false, true), eventTypes.list().ofMaxSize(4),
            Arbitraries.of(0, 1, 2, 3), Arbitraries.integers().between(0, 2))
        .as((bigEndian, events, subtype, valuators) -> new Step("gii " + subtype + (bigEndian ? " BE " : " LE ")
            + events, t -> {
          int flags = (bigEndian ? 0x80 : 0) | subtype;
          if (subtype != 0) {
            // 1 version (EU16), 2 device creation (56 + 116 per valuator), 3 device destruction (EU32 origin)
            int length = subtype == 1 ? 2 : subtype == 2 ? 56 + 116 * valuators : 4;
            t.client(u8(253), u8(flags), bigEndian ? u16(length) : u16le(length), filler(length));
            return;
          }
          byte[][] fields = new byte[events.size() + 1][];
          int length = 0;
          for (int i = 0; i < events.size(); i++) {
            int type = events.get(i);
            int size = type == 10 || type == 11 ? 12 : type == 12 || type == 13 ? 16 + 4 * 2 : 24;
            fields[i + 1] = bytes(u8(size), u8(type), filler(size - 2));
            length += size;
            if (type >= 5 && type <= 13) {
              t.expectedInputs++;
            }
          }
          fields[0] = bytes(u8(253), u8(flags), bigEndian ? u16(length) : u16le(length));
          t.client(fields);
        }));
  }

  private static Arbitrary<Step> qemu() {
    return Arbitraries.integers().between(0, 4).map(kind -> new Step("QEMU " + kind, t -> {
      switch (kind) {
        case 0, 1 -> {
          t.client(u8(255), u8(0), u16(kind), u32(0x61), u32(0x1e));
          t.expectedInputs++;
        }
        case 2 -> t.client(u8(255), u8(1), u16(0));
        case 3 -> t.client(u8(255), u8(1), u16(1));
        default -> t.client(u8(255), u8(1), u16(2), u8(3), u8(2), u32(22050));
      }
    }));
  }

  private static Arbitrary<Step> textChats() {
    return Arbitraries.oneOf(Arbitraries.longs().between(0, 200), Arbitraries.of(4096L, 0xFFFFFFFFL, 0xFFFFFFFEL,
        0xFFFFFFFDL)).map(length -> new Step("TextChat " + length, t -> t.client(u8(11), zeros(3), u32(length),
            filler(length > 4096 ? 0 : (int) (long) length))));
  }

  private static Arbitrary<Step> fixedSize() {
    return Arbitraries.of(0, 3, 8, 9, 10, 13, 15, 150, 250).map(type -> new Step("type " + type, t -> {
      ClientMessageType entry = ClientMessageType.forCode(type);
      t.client(u8(type), filler(entry.length - 1));
      if (type == 13) {
        t.expectedInputs++;
      }
    }));
  }

  /** After ServerInit the server's bytes are relayed unparsed: any bytes at all. */
  private static Arbitrary<Step> serverTraffic() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(40)
        .map(update -> new Step("server " + update.length + " bytes", t -> t.server(update)));
  }
}
