package org.rfbactivity.rfb;

import java.util.Objects;

/**
 * The server's ServerInit (docs/protocol.md#serverinit), fired once. After it the server direction is relayed without
 * parsing.
 *
 * @param width framebuffer width
 * @param height framebuffer height
 * @param pixelFormat the server's pixel format
 * @param name the desktop name decoded from at most {@link #MAX_NAME_BYTES} bytes (UTF-8, or Latin-1 when the
 *     bytes are not valid UTF-8, as TigerVNC's client does)
 * @param nameLength the name length the server declared (may exceed what {@code name} holds)
 */
public record ServerInit(int width, int height, PixelFormat pixelFormat, String name, long nameLength) {

  /**
   * How many bytes of the desktop name are captured (the rest is relayed unread: a name costs no more memory than
   * this).
   */
  public static final int MAX_NAME_BYTES = 256;

  /**
   * Checks that the pixel format and the name are not null.
   *
   * @param width framebuffer width
   * @param height framebuffer height
   * @param pixelFormat the server's pixel format
   * @param name the desktop name decoded from at most {@link #MAX_NAME_BYTES} bytes (UTF-8, or Latin-1 when the bytes
   *     are not valid UTF-8, as TigerVNC's client does)
   * @param nameLength the name length the server declared (may exceed what {@code name} holds)
   */
  public ServerInit {
    Objects.requireNonNull(pixelFormat, "pixelFormat");
    Objects.requireNonNull(name, "name");
  }
}
