package org.rfbactivity.proxy.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Client sockets for tests. */
public final class Sockets {

  private Sockets() {}

  /**
   * Connects to {@code target} from the loopback address {@code source} (127.0.0.2, 127.0.0.3 …: Linux routes all of
   * 127/8 to the loopback interface), so that one test can play clients from distinct addresses.
   */
  public static Socket connectFrom(InetSocketAddress target, String source) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(source, 0));
    s.connect(target, 5000);
    s.setSoTimeout(10_000);
    return s;
  }
}
