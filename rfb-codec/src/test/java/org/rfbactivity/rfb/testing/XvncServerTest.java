package org.rfbactivity.rfb.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The launcher the end-to-end tests rely on: Xvnc really offers the requested security type. */
class XvncServerTest {

  @Test
  void noneServerOffersSecurityTypeNone() throws Exception {
    try (XvncServer server = XvncServer.startWithoutAuth(640, 480)) {
      assertThat(offeredSecurityTypes(server.port())).containsExactly(1);
    }
  }

  @Test
  void vncAuthServerOffersSecurityTypeVncAuth() throws Exception {
    try (XvncServer server = XvncServer.startWithVncAuth(640, 480, "secret12")) {
      assertThat(offeredSecurityTypes(server.port())).containsExactly(2);
      assertThat(server.password()).isEqualTo("secret12");
    }
  }

  private static int[] offeredSecurityTypes(int port) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] version = new byte[12];
      in.readFully(version);
      assertThat(new String(version, StandardCharsets.US_ASCII)).isEqualTo("RFB 003.008\n");
      socket.getOutputStream().write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
      int count = in.readUnsignedByte();
      int[] types = new int[count];
      for (int i = 0; i < count; i++) {
        types[i] = in.readUnsignedByte();
      }
      return types;
    }
  }
}
