package org.rfbactivity.proxy.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.util.concurrent.ThreadFactory;
import javax.sql.DataSource;
import org.rfbactivity.proxy.db.ListenLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the {@link EventHub} with the whole cluster's events: every replica on one PostgreSQL {@code NOTIFY}s its
 * events on one channel as they commit, and this {@code LISTEN}s on it, so each replica's stream shows every
 * replica's events (its own included: with a database the tracker does not feed the hub directly).
 *
 * <p>One owned thread ({@code rfba-event-feed}) runs the {@link ListenLoop}, which reconnects with back-off when the
 * database goes away. Events notified while it is disconnected are missed: {@code NOTIFY} is not stored.
 */
public final class NotifyFeeder implements AutoCloseable, ListenLoop.Handler {

  private static final Logger log = LoggerFactory.getLogger(NotifyFeeder.class);

  private final EventHub hub;
  private final ObjectMapper json = new ObjectMapper();
  private final ListenLoop loop;

  /**
   * @param connections opens direct (unpooled) connections to the shared database
   * @param channel     the {@code NOTIFY} channel, a lower-case identifier ({@code rfb_activity})
   */
  public NotifyFeeder(DataSource connections, String channel, EventHub hub, ThreadFactory threadFactory) {
    this.hub = hub;
    this.loop = new ListenLoop("event feed", connections, channel, this, threadFactory);
  }

  public void start() {
    loop.start();
  }

  /** True while a connection is listening (tests, readiness). */
  public boolean listening() {
    return loop.listening();
  }

  @Override
  public void heard(Connection c, String payload) {
    deliver(payload);
  }

  /** One payload: an event's JSON ({@code ActivityEvent.toJson()}); anything else is dropped and logged by size. */
  void deliver(String payload) {
    try {
      JsonNode event = json.readTree(payload);
      JsonNode id = event == null ? null : event.get("id");
      JsonNode type = event == null ? null : event.get("type");
      if (id == null || !id.isTextual() || type == null || !type.isTextual()
          || !EventFrame.safeField(id.asText()) || !EventFrame.safeField(type.asText())) {
        log.warn("event feed: dropped a notification of {} characters without a usable id and type",
            payload.length());
        return;
      }
      // Compact JSON is one line; a payload that is not (pretty-printed by hand) is written again.
      String data = payload.indexOf('\n') < 0 && payload.indexOf('\r') < 0 ? payload : json.writeValueAsString(event);
      hub.publish(id.asText(), type.asText(), data);
    } catch (JsonProcessingException e) {
      log.warn("event feed: dropped a notification of {} characters that is not JSON", payload.length());
    }
  }

  /** Stops the thread: within one poll, or a connect's timeout when one is under way. Idempotent. */
  @Override
  public void close() {
    loop.close();
  }
}
