package org.rfbactivity.proxy.route;

import io.netty.util.NetUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import org.rfbactivity.proxy.config.HostPort;
import org.rfbactivity.proxy.config.UnixSocketTarget;

/**
 * Runs a {@link RouteResolver} and resolves the target's name without blocking an event loop. A non-blocking
 * resolver (static, JWT) whose target is an IP literal answers at once; anything that may block (token file,
 * database, DNS) runs on a small owned pool. The answer is a Netty future of the caller's event loop, so its
 * listeners run there.
 */
public final class RouteLookup implements AutoCloseable {

  /** Threads for blocking lookups: a lookup is one indexed query, one stat or one DNS query. */
  static final int THREADS = 4;
  /** Lookups waiting for a thread; beyond this a viewer is refused as "unavailable" rather than queued forever. */
  static final int QUEUE_LIMIT = 1024;

  private final RouteResolver resolver;
  private final ThreadPoolExecutor executor;

  /** Threads are created on first use and end after 30 s without work. */
  public RouteLookup(RouteResolver resolver, ThreadFactory threadFactory) {
    this.resolver = resolver;
    this.executor = OwnedExecutors.bounded(THREADS, QUEUE_LIMIT, threadFactory);
  }

  /** Resolves the request; the future completes on {@code loop} with a route or a {@link RouteRefusedException}. */
  public Future<ResolvedRoute> lookup(RouteRequest request, EventExecutor loop) {
    Promise<ResolvedRoute> promise = loop.newPromise();
    if (!resolver.blocking()) {
      Route route;
      try {
        route = resolver.resolve(request);
      } catch (RouteRefusedException e) {
        promise.setFailure(e);
        return promise;
      } catch (RuntimeException e) {
        promise.setFailure(RouteRefusedException.unavailable("route lookup failed: " + e.getClass().getSimpleName()));
        return promise;
      }
      SocketAddress literal = literalAddress(route);
      if (literal != null) {
        promise.setSuccess(new ResolvedRoute(route, literal));
        return promise;
      }
    }
    try {
      executor.execute(() -> completeBlocking(request, promise));
    } catch (RejectedExecutionException e) {
      promise.setFailure(RouteRefusedException.unavailable("too many route lookups waiting"));
    }
    return promise;
  }

  private void completeBlocking(RouteRequest request, Promise<ResolvedRoute> promise) {
    try {
      Route route = resolver.resolve(request);
      SocketAddress address = literalAddress(route);
      if (address == null) {
        HostPort target = (HostPort) route.target(); // only a host name is not literal
        address = new InetSocketAddress(InetAddress.getByName(target.host()), target.port());
      }
      promise.trySuccess(new ResolvedRoute(route, address));
    } catch (RouteRefusedException e) {
      promise.tryFailure(e);
    } catch (UnknownHostException e) {
      promise.tryFailure(RouteRefusedException.unavailable("cannot resolve the target host"));
    } catch (RuntimeException e) {
      promise.tryFailure(RouteRefusedException.unavailable("route lookup failed: " + e.getClass().getSimpleName()));
    }
  }

  /** The target as an address when it needs no DNS (an IP literal, a Unix socket), else null. */
  private static SocketAddress literalAddress(Route route) {
    if (route.target() instanceof UnixSocketTarget unix) {
      return UnixDomainSocketAddress.of(unix.path());
    }
    HostPort target = (HostPort) route.target();
    byte[] ip = NetUtil.createByteArrayFromIpAddressString(target.host());
    if (ip == null) {
      return null;
    }
    try {
      return new InetSocketAddress(InetAddress.getByAddress(ip), target.port());
    } catch (UnknownHostException e) {
      return null;
    }
  }

  @Override
  public void close() {
    OwnedExecutors.shutdown(executor);
  }
}
