package org.rfbactivity.proxy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A WebSocket viewer (the JDK client: masked binary frames, like a browser's). */
public final class WsTransport implements ViewerTransport {

  private static final byte[] END = new byte[0];

  private final WebSocket ws;
  private final QueueInputStream in;
  private final CompletableFuture<Integer> closeCode;
  private final CompletableFuture<String> closeText;
  private final AtomicInteger pings;

  private WsTransport(WebSocket ws, QueueInputStream in, CompletableFuture<Integer> closeCode,
      CompletableFuture<String> closeText, AtomicInteger pings) {
    this.ws = ws;
    this.in = in;
    this.closeCode = closeCode;
    this.closeText = closeText;
    this.pings = pings;
  }

  /**
   * Opens {@code uri}; {@code origin} is sent as the Origin header when not null.
   *
   * @throws CompletionException wrapping {@link java.net.http.WebSocketHandshakeException} when refused
   */
  public static WsTransport connect(URI uri, String origin) {
    return connect(HttpClient.newHttpClient(), uri, origin);
  }

  /** As {@link #connect(URI, String)}, with a client of the caller's (e.g. one that trusts a test certificate). */
  public static WsTransport connect(HttpClient client, URI uri, String origin) {
    QueueInputStream in = new QueueInputStream();
    CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    CompletableFuture<String> closeText = new CompletableFuture<>();
    AtomicInteger pings = new AtomicInteger();
    WebSocket.Listener listener = new WebSocket.Listener() {
      @Override
      public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
      }

      @Override
      public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        in.queue.add(b);
        webSocket.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        webSocket.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeText.complete(reason);
        closeCode.complete(statusCode);
        in.queue.add(END);
        return null;
      }

      /** The JDK client answers with a Pong of the same payload once this returns. */
      @Override
      public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        pings.incrementAndGet();
        webSocket.request(1);
        return null;
      }

      @Override
      public void onError(WebSocket webSocket, Throwable error) {
        closeText.complete(null);
        closeCode.complete(-1);
        in.queue.add(END);
      }
    };
    WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
    if (origin != null) {
      builder.header("Origin", origin);
    }
    WebSocket ws = builder.buildAsync(uri, listener).join();
    return new WsTransport(ws, in, closeCode, closeText, pings);
  }

  @Override
  public InputStream in() {
    return in;
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    try {
      ws.sendBinary(ByteBuffer.wrap(bytes, offset, length), true).join();
    } catch (CompletionException e) {
      throw new IOException("send failed", e.getCause());
    }
  }

  /** Sends one text frame. */
  public void sendText(String text) {
    ws.sendText(text, true).join();
  }

  /** The close code the proxy sent (or -1 on an error), once the connection has ended. */
  public CompletableFuture<Integer> closeCode() {
    return closeCode;
  }

  /** The reason text of the proxy's Close frame (null on an error), once the connection has ended. */
  public CompletableFuture<String> closeText() {
    return closeText;
  }

  /** Pings received (each answered by the JDK client with a Pong). */
  public int pings() {
    return pings.get();
  }

  /** Drops the TCP connection without a Close frame. */
  public void abort() {
    ws.abort();
  }

  @Override
  public void close() {
    if (!ws.isOutputClosed()) {
      try {
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        ws.abort();
      }
    }
  }

  /** A blocking stream over received frames; a read waits at most 30 s, so a broken test fails instead of hanging. */
  static final class QueueInputStream extends ChunkInputStream {
    final BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();

    @Override
    protected byte[] nextChunk() throws IOException {
      try {
        byte[] next = queue.poll(30, TimeUnit.SECONDS);
        if (next == null) {
          throw new IOException("no data for 30 s");
        }
        return next == END ? null : next;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException();
      }
    }
  }
}
