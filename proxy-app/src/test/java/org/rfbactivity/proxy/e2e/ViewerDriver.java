package org.rfbactivity.proxy.e2e;

import java.io.IOException;

/** A real VNC viewer, remote-controlled by a test. */
interface ViewerDriver extends AutoCloseable {

  /** Connects through the proxy and returns once the first framebuffer update has been drawn. */
  void connect() throws Exception;

  /** Moves the pointer to (x, y) on the remote screen. */
  void move(int x, int y) throws Exception;

  /** Presses and releases one letter key. */
  void typeLetter() throws Exception;

  /** Disconnects like a user closing the viewer. */
  void disconnect() throws Exception;

  /** Releases whatever the driver holds (idempotent; after a failure too). */
  @Override
  void close() throws IOException;
}
