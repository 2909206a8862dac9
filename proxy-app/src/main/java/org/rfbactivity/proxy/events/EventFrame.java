package org.rfbactivity.proxy.events;

import java.nio.charset.StandardCharsets;
import org.rfbactivity.activity.event.ActivityEvent;

/**
 * One event as a server-sent events frame ({@code id:}, {@code event:}, {@code data:}, blank line), encoded once and
 * shared by every subscriber and by the ring.
 *
 * @param id    the event id, which a client sends back as {@code Last-Event-ID}
 * @param type  the wire name ({@code session.state_changed} …); a type this version does not know (from a newer
 *              replica) is kept as it came
 * @param bytes the whole frame in UTF-8
 */
record EventFrame(String id, String type, byte[] bytes) {

  static EventFrame of(ActivityEvent event) {
    return of(event.id(), event.type().wireName(), event.toJson());
  }

  /**
   * The frame of an event given as its parts; {@code json} must be one line (a line break would end the
   * {@code data:} field early), and {@code id} and {@code type} must be {@link #safeField safe fields}.
   */
  static EventFrame of(String id, String type, String json) {
    if (!safeField(id) || !safeField(type) || json.indexOf('\n') >= 0 || json.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("event fields must be single lines");
    }
    String frame = "id: " + id + "\nevent: " + type + "\ndata: " + json + "\n\n";
    return new EventFrame(id, type, frame.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * True for a non-empty value without CR, LF or NUL: the SSE parser ends a field at a line break and ignores an
   * {@code id} that contains NUL (WHATWG HTML, "Interpreting an event stream").
   */
  static boolean safeField(String value) {
    if (value == null || value.isEmpty()) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\n' || c == '\r' || c == 0) {
        return false;
      }
    }
    return true;
  }
}
