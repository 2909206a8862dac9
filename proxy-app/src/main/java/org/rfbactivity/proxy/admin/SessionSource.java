package org.rfbactivity.proxy.admin;

import java.util.List;
import java.util.Optional;

/** Where {@code /api/sessions} reads from (the activity tracker's snapshots, in the proxy). */
public interface SessionSource {

  List<SessionJson> sessions();

  Optional<SessionJson> session(String sessionId);
}
