package org.rfbactivity.proxy.relay;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Socket addresses as logs and the admin API show them: {@code 127.0.0.1:40124}, {@code [::1]:40124}. */
final class Addresses {

  private Addresses() {}

  static String describe(SocketAddress address) {
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      String ip = inet.getAddress().getHostAddress();
      return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + inet.getPort();
    }
    return String.valueOf(address);
  }
}
