package org.rfbactivity.examples;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** How a test viewer's bytes travel: a TCP socket, or binary WebSocket messages (as noVNC's). */
interface ViewerTransport extends AutoCloseable {

  Duration TIMEOUT = Duration.ofSeconds(10);

  void send(byte[] bytes) throws Exception;

  /** Exactly {@code length} bytes, waiting at most {@link #TIMEOUT} for each piece. */
  byte[] receive(int length) throws Exception;

  @Override
  void close() throws Exception;

  static ViewerTransport tcp(InetSocketAddress address) throws IOException {
    Socket socket = new Socket(address.getAddress(), address.getPort());
    socket.setSoTimeout((int) TIMEOUT.toMillis());
    DataInputStream in = new DataInputStream(socket.getInputStream());
    return new ViewerTransport() {
      @Override
      public void send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
      }

      @Override
      public byte[] receive(int length) throws IOException {
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
      }

      @Override
      public void close() throws IOException {
        socket.close();
      }
    };
  }

  /** A WebSocket from the JDK's client: every binary message's bytes join one stream. */
  static ViewerTransport webSocket(URI uri) throws Exception {
    LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    HttpClient client = HttpClient.newHttpClient();
    WebSocket socket = client.newWebSocketBuilder().connectTimeout(TIMEOUT)
        .buildAsync(uri, new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            received.add(bytes);
            ws.request(1);
            return null;
          }
        }).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    return new ViewerTransport() {
      private byte[] pending = new byte[0];

      @Override
      public void send(byte[] bytes) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }

      @Override
      public byte[] receive(int length) throws Exception {
        while (pending.length < length) {
          byte[] next = received.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
          if (next == null) {
            throw new IOException("no WebSocket message within " + TIMEOUT);
          }
          byte[] joined = java.util.Arrays.copyOf(pending, pending.length + next.length);
          System.arraycopy(next, 0, joined, pending.length, next.length);
          pending = joined;
        }
        byte[] bytes = java.util.Arrays.copyOf(pending, length);
        pending = java.util.Arrays.copyOfRange(pending, length, pending.length);
        return bytes;
      }

      @Override
      public void close() throws Exception {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    };
  }
}
