package org.rfbactivity.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.Sockets;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.rfb.testing.XvncServer;

/**
 * Every viewer reaches the VNC server from the proxy's address, so TigerVNC's blacklist (five connections that do not
 * authenticate, from one address) locks every user out once one client misbehaves. Behind the proxy it is turned off
 * ({@code -UseBlacklist=0}, as the README says) and the proxy protects per real client address instead: a client that
 * only reads banners locks nobody out, and one that guesses passwords is refused, alone, for a while.
 *
 * <p>The clients bind distinct loopback addresses (127.0.0.2 the attacker, 127.0.0.3 a user), which Linux routes to
 * the proxy on 127.0.0.1.
 */
@ExtendWith(LeakWatch.class)
class XvncBlacklistIT {

  static final String PASSWORD = "secret12";
  static final byte[] VERSION = "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII);
  static final String ATTACKER = "127.0.0.2";
  static final String USER = "127.0.0.3";

  /** The reproduction: with TigerVNC's default blacklist, six banner readers lock every later viewer out. */
  @Test
  void withTheServersBlacklistOnSixBannerReadersLockEveryoneOut() throws Exception {
    try (XvncServer xvnc = XvncServer.startWithVncAuth(320, 240, PASSWORD, List.of());
        TestProxy proxy = proxy(xvnc)) {
      for (int i = 0; i < 6; i++) {
        readBannerAndHangUp(proxy, ATTACKER);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> refused(proxy, "handshake_failed") == 6);
      assertThat(authenticate(proxy, USER, PASSWORD)).as("a user from elsewhere, refused by the server")
          .startsWith("refused");
    }
  }

  @Test
  void withTheBlacklistOffTheProxyProtectsPerClientAddress() throws Exception {
    try (XvncServer xvnc = XvncServer.startWithVncAuth(320, 240, PASSWORD, List.of("-UseBlacklist=0"));
        TestProxy proxy = proxy(xvnc)) {
      for (int i = 0; i < 6; i++) {
        readBannerAndHangUp(proxy, ATTACKER);
      }
      assertThat(authenticate(proxy, USER, PASSWORD)).as("banner readers lock nobody out").isEqualTo("320x240");

      for (int i = 0; i < 5; i++) {
        assertThat(authenticate(proxy, ATTACKER, "guess" + i)).startsWith("refused");
      }
      assertThat(authenticate(proxy, ATTACKER, PASSWORD)).as("the guesser is refused by the proxy, even with the "
          + "password").isEqualTo("closed before the banner");
      assertThat(authenticate(proxy, USER, PASSWORD)).as("everyone else is served").isEqualTo("320x240");

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(refused(proxy, "handshake_failed")).isEqualTo(6.0);
        assertThat(refused(proxy, "auth_failed")).isEqualTo(5.0);
        assertThat(refused(proxy, "ip_blocked")).isEqualTo(1.0);
      });
    }
  }

  private static TestProxy proxy(XvncServer xvnc) {
    return TestProxy.start("--target", "127.0.0.1:" + xvnc.port(), "--session-id", "desk");
  }

  private static void readBannerAndHangUp(TestProxy proxy, String source) throws IOException {
    try (Socket s = Sockets.connectFrom(proxy.tcp(), source)) {
      assertThat(s.getInputStream().readNBytes(12)).as("a banner").hasSize(12);
    }
  }

  /**
   * A VncAuth viewer from {@code source}: returns the desktop size on success, {@code refused: <reason>} when the
   * server refuses, or {@code closed before the banner}.
   */
  private static String authenticate(TestProxy proxy, String source, String password) throws Exception {
    try (Socket s = Sockets.connectFrom(proxy.tcp(), source)) {
      DataInputStream in = new DataInputStream(s.getInputStream());
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      byte[] banner = in.readNBytes(12);
      if (banner.length < 12) {
        return "closed before the banner";
      }
      if (new String(banner, StandardCharsets.US_ASCII).equals("RFB 003.003\n")) {
        // How a blacklisted address is answered: version 3.3, security type 0 (invalid), and the reason.
        out.write(banner);
        return in.readInt() == 0 ? "refused: " + reason(in) : "3.3";
      }
      out.write(VERSION);
      int types = in.readUnsignedByte();
      if (types == 0) {
        return "refused: " + reason(in);
      }
      byte[] offered = in.readNBytes(types);
      assertThat(offered).contains((byte) 2);
      out.write(2);
      byte[] challenge = in.readNBytes(16);
      out.write(vncAuthResponse(challenge, password));
      if (in.readInt() != 0) {
        return "refused: " + reason(in);
      }
      out.write(1); // ClientInit, shared
      return in.readUnsignedShort() + "x" + in.readUnsignedShort();
    }
  }

  private static String reason(DataInputStream in) throws IOException {
    return new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8);
  }

  /** VNC authentication: DES (ECB) of the challenge with the password, each key byte's bits reversed. */
  static byte[] vncAuthResponse(byte[] challenge, String password) throws Exception {
    byte[] key = new byte[8];
    byte[] p = password.getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < key.length && i < p.length; i++) {
      key[i] = (byte) (Integer.reverse(p[i] & 0xFF) >>> 24);
    }
    Cipher des = Cipher.getInstance("DES/ECB/NoPadding");
    des.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "DES"));
    return des.doFinal(challenge);
  }

  private static double refused(TestProxy proxy, String reason) {
    return proxy.server().meterRegistry().get("vnc.proxy.connections.refused").tag("reason", reason).counter().count();
  }
}
