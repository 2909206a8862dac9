package org.rfbactivity.proxy.bridge;

import org.rfbactivity.rfb.InputKind;

/**
 * The codec's input kinds onto the tracker's, constant for constant (activity-core does not depend on the codec, so
 * it has an enum of its own). A switch expression must name every constant of its enum, so a kind added to the codec
 * does not compile here until it is mapped. The tracker's own {@code BLIND_TRAFFIC} has no codec counterpart: the
 * bridge reports it for the bytes of a stream the codec cannot read.
 */
final class InputKinds {

  private InputKinds() {}

  /** No allocation: this runs for every classified input message. */
  static org.rfbactivity.activity.InputKind toTracker(InputKind kind) {
    return switch (kind) {
      case KEY_PRESS -> org.rfbactivity.activity.InputKind.KEY_PRESS;
      case KEY_RELEASE -> org.rfbactivity.activity.InputKind.KEY_RELEASE;
      case POINTER_MOVE -> org.rfbactivity.activity.InputKind.POINTER_MOVE;
      case POINTER_BUTTON -> org.rfbactivity.activity.InputKind.POINTER_BUTTON;
      case POINTER_WHEEL -> org.rfbactivity.activity.InputKind.POINTER_WHEEL;
      case CLIPBOARD -> org.rfbactivity.activity.InputKind.CLIPBOARD;
      case DESKTOP_RESIZE -> org.rfbactivity.activity.InputKind.DESKTOP_RESIZE;
      case NOISE -> org.rfbactivity.activity.InputKind.NOISE;
      case SYNTHETIC -> org.rfbactivity.activity.InputKind.SYNTHETIC;
    };
  }
}
