package org.rfbactivity.rfb;

/** Which half of the connection a byte offset or an event refers to. */
public enum Direction {
  /** Bytes the viewer sends to the VNC server. */
  CLIENT_TO_SERVER,
  /** Bytes the VNC server sends to the viewer. */
  SERVER_TO_CLIENT
}
