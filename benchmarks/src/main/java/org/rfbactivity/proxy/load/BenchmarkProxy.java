package org.rfbactivity.proxy.load;

import java.io.File;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.rfbactivity.proxy.ProxyServer;
import org.rfbactivity.proxy.config.HostPort;
import org.rfbactivity.proxy.config.ProxyConfig;
import org.rfbactivity.proxy.config.Routing;
import org.rfbactivity.proxy.config.SpliceMode;
import org.rfbactivity.proxy.config.StoreMode;
import org.rfbactivity.proxy.config.TransportKind;

/**
 * The proxy as the load run starts it, in its own JVM like a deployed proxy: static route, in-memory store,
 * no admin port, no per-address limits, no WebSocket frame budget, and the inspector on or off ({@link ProxyConfig.Builder#inspect}, which has
 * no command-line flag because only this comparison needs it).
 *
 * <p>Arguments: {@code TCP_PORT WS_PORT BACKEND_PORT on|off}. Runs until killed. The network transport is NIO, on
 * which the recorded runs were made, unless the system property {@code rfba.transport} names another
 * ({@code io_uring}, {@code epoll}, {@code auto}), e.g. {@code --proxy-jvm-args "-Drfba.transport=epoll"}; and its
 * {@code --splice} is the system property {@code rfba.splice} ({@code auto}, the proxy's default, which copies between
 * the loopback ends of every run here; {@code on}; {@code off}).
 */
public final class BenchmarkProxy {

  private BenchmarkProxy() {}

  /**
   * The command line that starts this class in a JVM of its own. {@code jvmArgs} are space-separated options,
   * in which {@code {mode}} becomes {@code on} or {@code off}.
   */
  static List<String> command(String jvmArgs, int tcpPort, int wsPort, int backendPort, boolean inspect) {
    return command(jvmArgs, absoluteClassPath(), tcpPort, wsPort, backendPort, inspect);
  }

  /** As {@link #command(String, int, int, int, boolean)}, from the classes of {@code classPath} (another build's jar). */
  static List<String> command(String jvmArgs, String classPath, int tcpPort, int wsPort, int backendPort,
      boolean inspect) {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : jvmArgs.split(" ")) {
      if (!arg.isBlank()) {
        command.add(arg.replace("{mode}", inspect ? "on" : "off"));
      }
    }
    command.addAll(List.of("-cp", classPath, BenchmarkProxy.class.getName(),
        Integer.toString(tcpPort), Integer.toString(wsPort), Integer.toString(backendPort), inspect ? "on" : "off"));
    return command;
  }

  /** The proxy runs in a scratch directory, so relative class-path entries must be made absolute. */
  static String absoluteClassPath() {
    StringBuilder cp = new StringBuilder();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (cp.length() > 0) {
        cp.append(File.pathSeparator);
      }
      cp.append(Paths.get(entry).toAbsolutePath());
    }
    return cp.toString();
  }

  public static void main(String[] args) {
    if (args.length != 4 || !(args[3].equals("on") || args[3].equals("off"))) {
      throw new IllegalArgumentException("usage: BenchmarkProxy TCP_PORT WS_PORT BACKEND_PORT on|off");
    }
    ProxyConfig config = ProxyConfig.builder()
        .tcpListen(new HostPort("127.0.0.1", Integer.parseInt(args[0])))
        .wsListen(new HostPort("127.0.0.1", Integer.parseInt(args[1])))
        .adminListen(null)
        .routing(new Routing.Static("load", new HostPort("127.0.0.1", Integer.parseInt(args[2]))))
        .store(StoreMode.MEMORY)
        .inspect(args[3].equals("on"))
        .transport(TransportKind.valueOf(System.getProperty("rfba.transport", "nio").toUpperCase(Locale.ROOT)))
        .splice(SpliceMode.valueOf(System.getProperty("rfba.splice", "auto").toUpperCase(Locale.ROOT)))
        // Every load client connects from 127.0.0.1: per-address limits would measure themselves, not the relay.
        .maxConnectionsPerIp(0)
        .maxConnectRatePerIp(0)
        // The request-response loop asks for updates as fast as the scripted server answers them, tens of thousands
        // of WebSocket frames a second, which the per-viewer frame budget closes as a flood (no browser viewer comes
        // near it: see FrameBudget); this run measures the relay's cost per message, not the budget.
        .frameBudget(false)
        .build();
    ProxyServer server = new ProxyServer(config);
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "benchmark-proxy-shutdown"));
  }
}
