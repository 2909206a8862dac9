package org.rfbactivity.proxy.testing;

import java.io.IOException;
import java.io.InputStream;

/** A test viewer's connection to the proxy: raw TCP or WebSocket, seen as a byte stream. */
public interface ViewerTransport extends AutoCloseable {

  /** Bytes from the server, in order; ends when the proxy closes the connection. */
  InputStream in();

  /** Sends bytes to the server (one WebSocket binary frame per call). */
  void write(byte[] bytes, int offset, int length) throws IOException;

  /** Closes politely (FIN, or a WebSocket Close frame). */
  @Override
  void close() throws IOException;
}
