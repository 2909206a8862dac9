package org.rfbactivity.proxy.bridge;

import java.util.LinkedHashMap;
import java.util.Map;
import org.rfbactivity.proxy.relay.ViewerDescription;

/** The attributes a viewer carries in the tracker, shown per viewer by {@code /api/sessions}. */
public final class ViewerAttributes {

  public static final String REMOTE_ADDRESS = "remoteAddress";
  public static final String FRONTEND = "frontend";
  public static final String ROUTE = "route";
  public static final String PROTOCOL_VERSION = "protocolVersion";
  public static final String SECURITY_TYPE = "securityType";
  public static final String DESKTOP_SIZE = "desktopSize";

  private ViewerAttributes() {}

  /** The attributes every viewer starts with: where it came from and how it was routed. */
  static Map<String, String> opening(ViewerDescription viewer) {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put(REMOTE_ADDRESS, viewer.remoteAddress());
    attributes.put(FRONTEND, viewer.frontend().label());
    attributes.put(ROUTE, viewer.route().kind());
    return attributes;
  }
}
