package org.rfbactivity.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import javax.sql.DataSource;
import org.rfbactivity.proxy.testing.TestProxy;

/**
 * The end-to-end story, the same for every real viewer: watching a changing screen is not activity, moving the
 * mouse or typing is, closing disconnects; each step checked through {@code /api/sessions} and through
 * {@code rfb_session_status} in PostgreSQL. Timings are shortened by flags ({@link #FLAGS}) so the story takes
 * seconds.
 */
final class ActivityScenario {

  static final Duration ACTIVE_WINDOW = Duration.ofSeconds(3);
  static final Duration PERSIST_INTERVAL = Duration.ofSeconds(1);
  static final Duration FLUSH_TICK = Duration.ofMillis(250);
  static final String[] FLAGS = {"--active-window", "3s", "--persist-interval", "1s", "--flush-tick", "250ms"};

  /**
   * A write due at the next tick lands within one flush tick; the rest is scheduling slack on a loaded 2-core
   * machine (a PostgreSQL commit, the poll interval of this test).
   */
  static final Duration ONE_TICK = FLUSH_TICK.plusMillis(750);
  /** How long a viewer that only watches must stay CONNECTED_IDLE for the test to believe it. */
  static final Duration WATCHING = Duration.ofSeconds(3);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final TestProxy proxy;
  private final DataSource db;
  private final String sessionId;
  private final String securityType;

  ActivityScenario(TestProxy proxy, DataSource db, String sessionId, String securityType) {
    this.proxy = proxy;
    this.db = db;
    this.sessionId = sessionId;
    this.securityType = securityType;
  }

  void run(ViewerDriver viewer) throws Exception {
    Instant beforeConnect = Instant.now().truncatedTo(ChronoUnit.MICROS);
    viewer.connect();
    Instant afterConnect = Instant.now();

    // The open counts as activity (activity-core); once the active window since then has passed, the viewer is idle.
    await("CONNECTED_IDLE after the open's window").atMost(ACTIVE_WINDOW.plusSeconds(10)).untilAsserted(() -> {
      assertThat(api().get("state").asText()).isEqualTo("CONNECTED_IDLE");
      assertThat(stored().state()).isEqualTo("CONNECTED_IDLE");
    });
    Instant opened = stored().lastActivity();
    assertThat(opened).isBetween(beforeConnect, afterConnect);
    JsonNode session = api();
    assertThat(Instant.parse(session.get("lastActivity").asText()).truncatedTo(ChronoUnit.MICROS)).isEqualTo(opened);
    assertThat(session.get("lastInputKind").isNull()).isTrue();
    assertThat(session.get("source").asText()).isEqualTo("replica+database");
    JsonNode v = session.get("viewers").get(0);
    assertThat(session.get("viewers")).hasSize(1);
    assertThat(v.get("state").asText()).isEqualTo("CONNECTED_IDLE");
    assertThat(v.get("inspectable").asBoolean()).isTrue();
    assertThat(v.get("blindReason").isNull()).isTrue();
    assertThat(v.get("protocolVersion").asText()).isEqualTo("3.8");
    assertThat(v.get("securityType").asText()).isEqualTo(securityType);
    assertThat(v.get("remoteAddress").asText()).startsWith("127.0.0.1:");
    assertThat(Instant.parse(v.get("connectedSince").asText())).isBetween(beforeConnect, afterConnect);

    // Only watching a screen that redraws every second: no activity, last_activity stays at the connect time.
    double redrawn = relayedToViewers();
    await("still idle while watching").during(WATCHING).atMost(WATCHING.plusSeconds(3)).untilAsserted(() -> {
      JsonNode s = api();
      assertThat(s.get("state").asText()).isEqualTo("CONNECTED_IDLE");
      assertThat(s.get("lastInputKind").isNull()).isTrue();
      assertThat(Instant.parse(s.get("lastActivity").asText()).truncatedTo(ChronoUnit.MICROS)).isEqualTo(opened);
      StoredStatus row = stored();
      assertThat(row.state()).isEqualTo("CONNECTED_IDLE");
      assertThat(row.lastActivity()).isEqualTo(opened);
    });
    assertThat(relayedToViewers()).as("the clock kept redrawing the screen while the viewer watched")
        .isGreaterThan(redrawn);

    // Moving the mouse: ACTIVE, and the stored row advances within one flush tick.
    Instant beforeMove = Instant.now().truncatedTo(ChronoUnit.MICROS);
    viewer.move(200, 150);
    await("ACTIVE stored after a mouse move").atMost(ONE_TICK).untilAsserted(() -> {
      StoredStatus row = stored();
      assertThat(row.state()).isEqualTo("ACTIVE");
      assertThat(row.lastActivity()).isAfterOrEqualTo(beforeMove);
    });
    session = api();
    assertThat(session.get("state").asText()).isEqualTo("ACTIVE");
    assertThat(session.get("lastInputKind").asText()).isEqualTo("POINTER_MOVE");
    assertThat(session.get("inputCounts").get("POINTER_MOVE").asLong()).isPositive();
    assertThat(session.get("inputCounts").get("KEY_PRESS").asLong()).isZero();

    // Typing: the newest input is a key press; while ACTIVE the row is rewritten at most once per persist interval.
    Instant beforeType = Instant.now().truncatedTo(ChronoUnit.MICROS);
    viewer.typeLetter();
    await("a key press stored").atMost(PERSIST_INTERVAL.plus(ONE_TICK)).untilAsserted(() -> {
      assertThat(api().get("lastInputKind").asText()).isEqualTo("KEY_PRESS");
      assertThat(stored().lastActivity()).isAfterOrEqualTo(beforeType);
    });
    assertThat(api().get("inputCounts").get("KEY_PRESS").asLong()).isEqualTo(1);
    assertThat(api().get("inputCounts").get("KEY_RELEASE").asLong()).isEqualTo(1);

    // Closing the viewer: DISCONNECTED, in the database at the next tick and in the API.
    viewer.disconnect();
    await("DISCONNECTED stored after the close").atMost(ONE_TICK).untilAsserted(() -> {
      StoredStatus row = stored();
      assertThat(row.state()).isEqualTo("DISCONNECTED");
      assertThat(row.viewers()).isZero();
      JsonNode s = api();
      assertThat(s.get("state").asText()).isEqualTo("DISCONNECTED");
      assertThat(s.get("viewers")).isEmpty();
    });
    assertThat(stored().lastActivity()).as("closing is not activity").isAfterOrEqualTo(beforeType);
  }

  private JsonNode api() throws Exception {
    HttpResponse<String> r = proxy.admin("/api/sessions/" + sessionId);
    assertThat(r.statusCode()).as("GET /api/sessions/%s: %s", sessionId, r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private double relayedToViewers() {
    return proxy.server().meterRegistry().get("vnc.proxy.relayed").tag("direction", "server_to_client")
        .functionCounter().count();
  }

  record StoredStatus(String state, Instant lastActivity, long viewers) {}

  private StoredStatus stored() throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT state, last_activity, viewers FROM rfb_session_status WHERE session_id = ?")) {
      ps.setString(1, sessionId);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("a rfb_session_status row for %s", sessionId).isTrue();
        return new StoredStatus(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getLong(3));
      }
    }
  }
}
