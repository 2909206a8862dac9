package org.rfbactivity.proxy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A VNC server stand-in on 127.0.0.1 that plays the server side of an {@link RfbScript} (or only sends its
 * banner) and reports, per connection, the SHA-256 of everything it received. Its threads are its own and stop
 * on {@link #close()}.
 */
public final class ScriptedRfbServer implements AutoCloseable {

  /** What each accepted connection does. */
  public enum Behaviour {
    /** The whole script: handshake, then payload both ways until the client closes. */
    SCRIPT,
    /** The handshake and the server's payload, then the server closes (FIN), as a VNC server that shuts down. */
    SCRIPT_THEN_CLOSE,
    /** The handshake and the server's payload, then the server resets the connection, as one that crashes. */
    SCRIPT_THEN_RESET,
    /** Sends the ProtocolVersion banner, then only reads (the handshake never completes). */
    BANNER_ONLY,
    /**
     * Sends the banner, then sends back whatever it reads: a server that keeps talking on a stream the proxy cannot
     * read (as one behind an encrypting security type would).
     */
    ECHO_AFTER_BANNER
  }

  /** What one connection received, when it ended. */
  public record Received(String sha256, long bytes, String error) {}

  private final ServerSocket listener;
  private final RfbScript script;
  private final Behaviour behaviour;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "scripted-rfb-server");
    t.setDaemon(true);
    return t;
  });
  private final List<Socket> live = new CopyOnWriteArrayList<>();
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final AtomicInteger accepted = new AtomicInteger();

  private ScriptedRfbServer(RfbScript script, Behaviour behaviour) throws IOException {
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.script = script;
    this.behaviour = behaviour;
  }

  public static ScriptedRfbServer start(RfbScript script, Behaviour behaviour) throws IOException {
    ScriptedRfbServer server = new ScriptedRfbServer(script, behaviour);
    server.threads.execute(server::acceptLoop);
    return server;
  }

  public int port() {
    return listener.getLocalPort();
  }

  public String target() {
    return "127.0.0.1:" + port();
  }

  public int accepted() {
    return accepted.get();
  }

  public int live() {
    return live.size();
  }

  /** The next connection that ended, waiting up to {@code timeout}; null when none did. */
  public Received nextReceived(Duration timeout) throws InterruptedException {
    return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Resets every live connection (SO_LINGER 0), as a VNC server that dies would. */
  public void killAll() throws IOException {
    for (Socket s : live) {
      s.setSoLinger(true, 0);
      s.close();
    }
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket s = listener.accept();
        accepted.incrementAndGet();
        live.add(s);
        threads.execute(() -> serve(s));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket s) {
    MessageDigest digest = RfbScript.digest();
    long[] count = {0};
    String error = null;
    try (s) {
      s.setTcpNoDelay(true);
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      byte[] hs = script.serverHandshake;
      out.write(hs, 0, 12);
      out.flush();
      if (behaviour == Behaviour.SCRIPT || behaviour == Behaviour.SCRIPT_THEN_CLOSE
          || behaviour == Behaviour.SCRIPT_THEN_RESET) {
        count[0] += Streams.readExactly(in, 12, digest);
        out.write(hs, 12, 2);
        out.flush();
        count[0] += Streams.readExactly(in, 1, digest);
        out.write(hs, 14, 4);
        out.flush();
        count[0] += Streams.readExactly(in, 1, digest);
        out.write(hs, 18, hs.length - 18);
        out.flush();
        if (behaviour == Behaviour.SCRIPT_THEN_CLOSE) {
          out.write(script.serverPayload);
          out.flush();
          s.shutdownOutput();
        } else if (behaviour == Behaviour.SCRIPT_THEN_RESET) {
          out.write(script.serverPayload);
          out.flush();
          // Reset from this thread, with no read of it blocked: a close with a blocked reader sends FIN first.
          s.setSoLinger(true, 0);
          s.close();
          throw new IOException("reset by the script");
        } else {
          threads.execute(() -> writePayload(s, out));
        }
      }
      if (behaviour == Behaviour.ECHO_AFTER_BANNER) {
        byte[] buf = new byte[8192];
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          digest.update(buf, 0, n);
          count[0] += n;
          out.write(buf, 0, n);
          out.flush();
        }
      }
      count[0] += Streams.readToEnd(in, digest);
    } catch (IOException e) {
      error = e.getClass().getSimpleName() + ": " + e.getMessage();
    } finally {
      live.remove(s);
    }
    received.add(new Received(HexFormat.of().formatHex(digest.digest()), count[0], error));
  }

  private void writePayload(Socket s, OutputStream out) {
    byte[] payload = script.serverPayload;
    Random chunks = new Random(payload.length);
    try {
      for (int off = 0; off < payload.length; ) {
        int n = Math.min(payload.length - off, 1 + chunks.nextInt(32 * 1024));
        out.write(payload, off, n);
        off += n;
      }
      out.flush();
    } catch (SocketException e) {
      // the client went away (a test that cuts it); serve() records that
    } catch (IOException e) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing after a failed write: nothing more to do
      }
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : live) {
      s.close();
    }
    threads.shutdownNow();
  }
}
