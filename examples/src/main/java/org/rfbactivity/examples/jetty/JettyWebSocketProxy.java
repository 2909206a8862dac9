package org.rfbactivity.examples.jetty;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.rfbactivity.activity.ActivityConfig;
import org.rfbactivity.activity.ActivityTracker;
import org.rfbactivity.examples.PrintedTransitions;
import org.rfbactivity.examples.TrackedConnection;

/**
 * A WebSocket ↔ VNC proxy on Jetty 12, in the shape of Apache CloudStack's console proxy: a browser (noVNC) opens
 * {@code ws://host:port/websockify?token=…}, the token names a console (its session and its VNC server, from the
 * proxy's own table, never from the client), and each WebSocket is relayed to a blocking TCP connection to that
 * server. Jetty is not Netty, so the inspection goes through the transport-neutral
 * {@link org.rfbactivity.rfb.RfbStreamInspector}: see {@link VncWebSocket}.
 *
 * <p>Threads: Jetty's own pool (named {@code vnc-ws-proxy}, owned by the server this class starts and stops) runs
 * both the WebSocket callbacks and each connection's server-to-browser pump.
 */
public final class JettyWebSocketProxy implements AutoCloseable {

  /** Where a token leads: the tracker's session and its VNC server. */
  public record Console(String sessionId, InetSocketAddress vncServer) {
    public Console {
      Objects.requireNonNull(sessionId, "sessionId");
      Objects.requireNonNull(vncServer, "vncServer");
    }
  }

  /** The largest WebSocket message accepted from a browser. */
  public static final int MAX_MESSAGE_BYTES = 1024 * 1024;

  /** The path noVNC and websockify use. */
  public static final String PATH = "/websockify";

  private final ActivityTracker tracker;
  private final Map<String, Console> consoles;
  private final Server server;
  private final ServerConnector connector;
  private final AtomicLong connections = new AtomicLong();

  /** A proxy that relays {@code consoles} (token → console) and reports to {@code tracker}. */
  public JettyWebSocketProxy(ActivityTracker tracker, Map<String, Console> consoles, InetSocketAddress address) {
    this.tracker = Objects.requireNonNull(tracker, "tracker");
    this.consoles = Map.copyOf(consoles);
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("vnc-ws-proxy");
    this.server = new Server(threads);
    this.connector = new ServerConnector(server);
    connector.setHost(address.getHostString());
    connector.setPort(address.getPort());
    server.addConnector(connector);
    Executor pumps = threads;
    server.setHandler(WebSocketUpgradeHandler.from(server, container -> {
      // noVNC sends each RFB message as one WebSocket message, a clipboard paste included: this bounds what one
      // message may hold in memory while Jetty aggregates it.
      container.setMaxBinaryMessageSize(MAX_MESSAGE_BYTES);
      container.addMapping(PATH, (request, response, callback) -> upgrade(request, response, callback, pumps));
    }));
  }

  /** Starts listening and returns where (port 0 in the address: any free port). */
  public InetSocketAddress start() throws Exception {
    server.start();
    return new InetSocketAddress(connector.getHost(), connector.getLocalPort());
  }

  /** Stops listening and closes every connection; each viewer's close reaches the tracker. */
  @Override
  public void close() throws Exception {
    server.stop();
  }

  /** The token picks the console; an unknown or missing token is refused before any byte reaches a VNC server. */
  private Object upgrade(ServerUpgradeRequest request, ServerUpgradeResponse response,
      org.eclipse.jetty.util.Callback callback, Executor pumps) {
    List<String> tokens = org.eclipse.jetty.server.Request.extractQueryParameters(request).getValues("token");
    Console console = tokens == null || tokens.size() != 1 ? null : consoles.get(tokens.get(0));
    if (console == null) {
      Response.writeError(request, response, callback, 403);
      return null;
    }
    return new VncWebSocket(new TrackedConnection(tracker, console.sessionId(), "ws-" + connections.incrementAndGet()),
        console, pumps);
  }

  /**
   * {@code JettyWebSocketProxy 6080 127.0.0.1 5901 desk-1 secret-token}: one console, every state change of its
   * session printed.
   */
  public static void main(String[] args) throws Exception {
    ActivityTracker tracker = new ActivityTracker(ActivityConfig.builder()
        .listener(new PrintedTransitions(System.out::println)).build());
    tracker.start();
    Console console = new Console(args[3], new InetSocketAddress(args[1], Integer.parseInt(args[2])));
    JettyWebSocketProxy proxy = new JettyWebSocketProxy(tracker, Map.of(args[4], console),
        new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])));
    System.out.println("listening on " + proxy.start() + PATH);
  }
}
