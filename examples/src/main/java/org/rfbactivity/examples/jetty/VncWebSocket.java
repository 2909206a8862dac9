package org.rfbactivity.examples.jetty;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.rfbactivity.examples.TrackedConnection;
import org.rfbactivity.examples.jetty.JettyWebSocketProxy.Console;
import org.rfbactivity.rfb.RfbStreamInspector;

/**
 * One browser's WebSocket and its blocking TCP connection to the VNC server. Every binary message from the browser
 * is shown to the inspector, then written to the server; every read from the server is shown to the inspector,
 * then sent to the browser. Showing each slice before relaying it keeps the causal order the inspector needs
 * (the client can only answer what it was sent), and the lock around the inspector gives it one caller at a time,
 * although Jetty's callbacks and the pump run on different threads. Nothing is copied for the inspector. Public
 * only because Jetty calls its methods reflectively.
 */
public final class VncWebSocket implements Session.Listener.AutoDemanding {

  /** One server read; noVNC handles messages of any size, and this bounds a connection's memory. */
  private static final int READ_SIZE = 16 * 1024;

  private final Console console;
  private final Executor pumps;
  private final Object lock = new Object();
  private final TrackedConnection tracked;
  private final RfbStreamInspector inspector;
  private volatile Session session;
  private volatile SocketChannel vnc;

  VncWebSocket(TrackedConnection tracked, Console console, Executor pumps) {
    this.console = console;
    this.pumps = pumps;
    this.tracked = tracked;
    this.inspector = new RfbStreamInspector(tracked);
  }

  @Override
  public void onWebSocketOpen(Session opened) {
    session = opened;
    try {
      vnc = SocketChannel.open(console.vncServer());
    } catch (IOException refused) {
      opened.close(1011, "VNC server unreachable", Callback.NOOP);
      return;
    }
    pumps.execute(this::pumpServerToBrowser);
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    synchronized (lock) {
      inspector.clientBytes(payload);
      tracked.clientBytesRelayed();
    }
    try {
      while (payload.hasRemaining()) {
        vnc.write(payload);
      }
      callback.succeed();
    } catch (IOException failed) {
      callback.fail(failed);
      closeBoth("server_closed");
    }
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    closeBoth("client_closed");
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    closeBoth("client_error");
  }

  /** Reads the server until it closes, each read shown to the inspector and then sent (waiting for the send). */
  private void pumpServerToBrowser() {
    ByteBuffer buffer = ByteBuffer.allocate(READ_SIZE);
    try {
      while (vnc.read(buffer.clear()) >= 0) {
        buffer.flip();
        synchronized (lock) {
          inspector.serverBytes(buffer);
        }
        Callback.Completable sent = new Callback.Completable();
        session.sendBinary(buffer, sent);
        sent.get();
      }
      closeBoth("server_closed");
    } catch (IOException | ExecutionException failed) {
      closeBoth("server_closed");
    } catch (InterruptedException stopping) {
      Thread.currentThread().interrupt();
      closeBoth("shutdown");
    }
  }

  private void closeBoth(String reason) {
    synchronized (lock) {
      tracked.closed(reason);
    }
    Session open = session;
    if (open != null && open.isOpen()) {
      open.close(1000, null, Callback.NOOP);
    }
    SocketChannel channel = vnc;
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Closing: nothing is left to tell anyone.
      }
    }
  }
}
