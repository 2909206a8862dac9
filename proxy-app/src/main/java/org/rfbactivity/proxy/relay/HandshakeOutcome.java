package org.rfbactivity.proxy.relay;

/** What a {@link ViewerObserver} tells the relay about the connection it watches. Called on its event loop. */
public interface HandshakeOutcome {

  /**
   * The connection has become a viewer: its RFB handshake reached the client-message phase, or its stream went blind
   * and has since carried bytes both ways. It is logged and counted as open from now on; a close is a viewer's close,
   * no longer a refusal.
   */
  void established(HandshakeFacts facts);

  /**
   * The VNC server refused the connection in its security phase; if it ends before it became a viewer, that is why
   * ({@code auth_failed}).
   *
   * @param afterAuthentication whether the client had tried to authenticate (a wrong password, not a server that
   *     refuses everyone before asking): only such a refusal counts towards the source's failure back-off
   */
  void securityRefused(boolean afterAuthentication);

  /**
   * Nothing the observer added reads the server's bytes any more (the inspector has parsed ServerInit, the last
   * server message it reads; or nothing inspects at all): the relay may move them without user space from now on.
   */
  void serverStreamUnwatched();

  /** The connection did not become a viewer within the handshake timeout: it is closed ({@code handshake_timeout}). */
  void handshakeTimedOut();
}
