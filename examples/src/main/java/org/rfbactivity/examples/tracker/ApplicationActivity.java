package org.rfbactivity.examples.tracker;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.rfbactivity.activity.ActivityConfig;
import org.rfbactivity.activity.ActivityTracker;
import org.rfbactivity.activity.InputKind;
import org.rfbactivity.activity.Viewer;
import org.rfbactivity.activity.store.JdbcActivityStore;
import org.rfbactivity.activity.store.Migrations;
import org.rfbactivity.examples.PrintedTransitions;

/**
 * The tracker alone, without the codec: an application that already knows what its users do (its own VNC client, a
 * remote-support tool, a kiosk) reports it in its own words, and gets the same per-session states, persisted to
 * PostgreSQL in the tables the proxy writes ({@code rfb_session_activity}, {@code rfb_session_status}).
 *
 * <p>Each method is one of the application's events; none blocks or touches the database (the tracker's flusher
 * thread writes once per tick).
 */
public final class ApplicationActivity implements AutoCloseable {

  private final JdbcActivityStore store;
  private final ActivityTracker tracker;

  /**
   * Applies the schema to {@code database} (idempotent), and starts a tracker that writes there, configured by
   * {@code config} (its listeners, its windows) plus the store.
   */
  public ApplicationActivity(DataSource database, ActivityConfig.Builder config) throws SQLException {
    Migrations.apply(database);
    this.store = JdbcActivityStore.builder().dataSource(database).build();
    this.tracker = new ActivityTracker(config.store(store).build());
    tracker.start();
  }

  /** A user opened {@code desktopId}; {@code connectionId} tells this user's connection from others. */
  public Viewer userConnected(String desktopId, String connectionId) {
    return tracker.viewerOpened(desktopId, connectionId, Map.of("source", "application"), true);
  }

  /** The user pressed a key. */
  public void userTyped(Viewer user) {
    tracker.input(user, InputKind.KEY_PRESS);
  }

  /** The user moved the pointer. */
  public void userMovedThePointer(Viewer user) {
    tracker.input(user, InputKind.POINTER_MOVE);
  }

  /** The user's connection ended. */
  public void userLeft(Viewer user) {
    tracker.viewerClosed(user, "user_left");
  }

  /** Closes the remaining users' connections, writes the last changes and stops the flusher. */
  @Override
  public void close() {
    tracker.close();
    store.close();
  }

  /**
   * Reads the application's events from standard input, one per line ({@code connect desk-1 alice},
   * {@code type alice}, {@code move alice}, {@code leave alice}), on an embedded PostgreSQL, and prints every state
   * change; end of input ends it.
   */
  public static void main(String[] args) throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.start();
        ApplicationActivity activity = new ApplicationActivity(postgres.getPostgresDatabase(),
            ActivityConfig.builder().listener(new PrintedTransitions(System.out::println)))) {
      Map<String, Viewer> users = new HashMap<>();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] words = line.trim().split("\\s+");
        switch (words[0]) {
          case "connect" -> users.put(words[2], activity.userConnected(words[1], words[2]));
          case "type" -> activity.userTyped(Objects.requireNonNull(users.get(words[1]), words[1]));
          case "move" -> activity.userMovedThePointer(Objects.requireNonNull(users.get(words[1]), words[1]));
          case "leave" -> activity.userLeft(Objects.requireNonNull(users.remove(words[1]), words[1]));
          default -> System.out.println("connect DESKTOP USER | type USER | move USER | leave USER");
        }
      }
    }
  }
}
