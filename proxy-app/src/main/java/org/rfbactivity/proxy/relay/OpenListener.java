package org.rfbactivity.proxy.relay;

/** How a frontend ends {@link ViewerConnection#open}. Called once, on the viewer's event loop. */
public interface OpenListener {

  /** The VNC server is connected: ready the frontend (a WebSocket answers its upgrade) and start the relay. */
  void connected();

  /**
   * The viewer was refused (already logged and counted, its backend closed): answer it as this frontend does, and
   * close it.
   *
   * @param reason {@link RefusalReason#ROUTE}, {@link RefusalReason#ROUTE_UNAVAILABLE} or
   *     {@link RefusalReason#BACKEND}
   */
  void refused(RefusalReason reason);
}
