package org.rfbactivity.proxy.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rfbactivity.rfb.testing.StreamRecording;

/**
 * A transparent TCP tap on 127.0.0.1 in front of a VNC server: relays one connection unchanged and stamps every
 * chunk it relays with {@link System#nanoTime()}, keeping the client's bytes whole and the server's first
 * {@link StreamRecording#SERVER_PREFIX_BYTES} (the handshake). Test code: one thread per direction, ended by close.
 */
final class RecordingTap implements AutoCloseable {

  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final List<StreamRecording.Chunk> chunks = new ArrayList<>();
  private final List<Socket> sockets = new ArrayList<>();
  private volatile boolean clientClosed;
  private long startNanos = -1;
  private int serverBytesKept;

  RecordingTap(InetSocketAddress target) throws IOException {
    this.target = target;
    this.listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptOne, "recording-tap");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Where viewers (or the proxy) connect. */
  String address() {
    return "127.0.0.1:" + listener.getLocalPort();
  }

  private void acceptOne() {
    try {
      Socket viewer = listener.accept();
      Socket server = new Socket(target.getAddress(), target.getPort());
      viewer.setTcpNoDelay(true);
      server.setTcpNoDelay(true);
      synchronized (this) {
        sockets.add(viewer);
        sockets.add(server);
      }
      pump(viewer, server, true);
      pump(server, viewer, false);
    } catch (IOException e) {
      // closed before a viewer came: nothing recorded
    }
  }

  private void pump(Socket from, Socket to, boolean fromClient) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[65536];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          record(fromClient, buffer, n, System.nanoTime());
          out.write(buffer, 0, n);
        }
      } catch (IOException e) {
        // the other side closed
      } finally {
        if (fromClient) {
          clientClosed = true;
        }
        closeQuietly(from);
        closeQuietly(to);
      }
    }, fromClient ? "tap-client" : "tap-server");
    t.setDaemon(true);
    t.start();
  }

  private synchronized void record(boolean fromClient, byte[] buffer, int n, long now) {
    if (startNanos < 0) {
      startNanos = now;
    }
    int keep = n;
    if (!fromClient) {
      keep = Math.min(n, StreamRecording.SERVER_PREFIX_BYTES - serverBytesKept);
      serverBytesKept += keep;
    }
    if (keep > 0) {
      chunks.add(new StreamRecording.Chunk(fromClient, (now - startNanos) / 1000, Arrays.copyOf(buffer, keep)));
    }
  }

  /** Whether the viewer's side has closed: every byte it sent is recorded. */
  boolean clientClosed() {
    return clientClosed;
  }

  /** What was recorded so far. */
  synchronized StreamRecording recording() {
    return new StreamRecording(chunks);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public synchronized void close() throws IOException {
    listener.close();
    sockets.forEach(RecordingTap::closeQuietly);
  }
}
