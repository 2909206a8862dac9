package org.rfbactivity.proxy.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import org.rfbactivity.proxy.relay.CloseReason;
import org.rfbactivity.proxy.relay.FrontendKind;
import org.rfbactivity.proxy.relay.FrontendProtocol;

/** Raw TCP: the very same buffer is written; closing flushes what is pending first and adds nothing. */
enum TcpProtocol implements FrontendProtocol {
  INSTANCE;

  @Override
  public FrontendKind kind() {
    return FrontendKind.TCP;
  }

  @Override
  public Object wrap(ByteBuf serverBytes) {
    return serverBytes;
  }

  @Override
  public Object lastMessage(boolean relayStarted, CloseReason reason) {
    return Unpooled.EMPTY_BUFFER;
  }

  @Override
  public void abort(Channel frontend, CloseReason reason) {
    frontend.close();
  }
}
