package org.rfbactivity.proxy.relay;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * First handler of every frontend connection after TLS: a connection beyond the {@link ConnectionLimits} is closed at
 * once, before any handler after this one sees it active, so it costs no route lookup and no backend connection (and
 * the VNC server never sees it). One per frontend, all sharing one {@link ConnectionLimits}.
 */
@Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {

  /** Set on an admitted connection: the address it was counted under, so that its release matches its admission. */
  private static final AttributeKey<Admitted> ADMITTED = AttributeKey.valueOf(ConnectionLimiter.class, "admitted");

  /** @param address null when the connection has no IP address */
  private record Admitted(InetAddress address) {}

  private final ConnectionLimits limits;
  private final ViewerLog log;
  private final FrontendKind frontend;

  public ConnectionLimiter(RelayServices services, FrontendKind frontend) {
    this.limits = services.limits();
    this.log = services.log();
    this.frontend = frontend;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    SocketAddress remote = ctx.channel().remoteAddress();
    InetAddress address = remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    ConnectionLimits.Admission admission = limits.admit(address);
    if (admission != ConnectionLimits.Admission.ADMITTED) {
      RefusalReason refusal = admission.refusal();
      log.refused(refusal.label(), null, frontend, Addresses.describe(remote), null);
      ctx.channel().config().setAutoRead(false);
      ctx.close();
      return;
    }
    ctx.channel().attr(ADMITTED).set(new Admitted(address));
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Admitted admitted = ctx.channel().attr(ADMITTED).getAndSet(null);
    if (admitted != null) {
      limits.release(admitted.address());
      ctx.fireChannelInactive();
    }
  }
}
