package org.rfbactivity.rfb;

import java.util.ArrayList;
import java.util.List;

/** Records every callback as a readable line, in order; safe to read from another thread. */
class RecordingListener implements RfbListener {

  private final List<String> events = new ArrayList<>();
  private final List<HandshakeCompleted> handshakes = new ArrayList<>();
  private final List<ServerInit> serverInits = new ArrayList<>();

  synchronized List<String> events() {
    return List.copyOf(events);
  }

  /** Only the {@code input ...} lines, i.e. the classification sequence. */
  synchronized List<String> inputs() {
    return events.stream().filter(e -> e.startsWith("input ")).toList();
  }

  synchronized List<HandshakeCompleted> handshakes() {
    return List.copyOf(handshakes);
  }

  synchronized List<ServerInit> serverInits() {
    return List.copyOf(serverInits);
  }

  synchronized long blindEvents() {
    return events.stream().filter(e -> e.startsWith("lost ")).count();
  }

  private synchronized void add(String event) {
    events.add(event);
  }

  @Override
  public synchronized void handshakeCompleted(HandshakeCompleted event) {
    handshakes.add(event);
    add("handshake " + event.version() + " " + event.securityType() + (event.inspectable() ? "" : " blind"));
  }

  @Override
  public synchronized void serverInit(ServerInit event) {
    serverInits.add(event);
    add("serverInit " + event.width() + "x" + event.height() + " '" + event.name() + "'");
  }

  @Override
  public void securityFailed(SecurityFailure failure) {
    add("securityFailed " + failure.code() + " '" + failure.reason() + "'");
  }

  @Override
  public void input(InputKind kind) {
    add("input " + kind);
  }

  @Override
  public void key(boolean down, int keysym) {
    add("key " + (down ? "down " : "up ") + keysym);
  }

  @Override
  public void pointer(InputKind kind, int buttonMask, int x, int y) {
    add("pointer " + buttonMask + " " + x + "," + y);
  }

  @Override
  public void clipboard(long length, boolean extended) {
    add("clipboard " + length + (extended ? " extended" : ""));
  }

  @Override
  public void desktopResize(int width, int height, int screens) {
    add("desktopResize " + width + "x" + height + " screens=" + screens);
  }

  @Override
  public void inspectionLost(Direction direction, BlindReason reason, long offset) {
    add("lost " + direction + " " + reason + " @" + offset);
  }
}
