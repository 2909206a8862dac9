package org.rfbactivity.proxy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/** A raw TCP viewer. */
public final class TcpTransport implements ViewerTransport {

  private final Socket socket;

  private TcpTransport(Socket socket) {
    this.socket = socket;
  }

  public static TcpTransport connect(InetSocketAddress address) throws IOException {
    Socket s = new Socket();
    s.connect(address, 5000);
    return over(s);
  }

  /** Uses a socket the caller connected (e.g. an {@code SSLSocket}). */
  public static TcpTransport over(Socket s) throws IOException {
    s.setTcpNoDelay(true);
    s.setSoTimeout(30_000);
    return new TcpTransport(s);
  }

  public Socket socket() {
    return socket;
  }

  @Override
  public InputStream in() {
    try {
      return socket.getInputStream();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    socket.getOutputStream().write(bytes, offset, length);
    socket.getOutputStream().flush();
  }

  /** Resets the connection (SO_LINGER 0), as a viewer whose network drops would. */
  public void abort() throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
