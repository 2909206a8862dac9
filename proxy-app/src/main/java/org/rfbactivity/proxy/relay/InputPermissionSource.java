package org.rfbactivity.proxy.relay;

import java.util.Objects;

/**
 * Decides a viewer's {@link InputPermissions} when its backend pipeline is built, from who it is (its route;
 * docs/architecture.md#input-permissions).
 */
@FunctionalInterface
public interface InputPermissionSource {

  /** Called on the viewer's event loop once its route is known: must not block. */
  InputPermissions forViewer(ViewerDescription viewer);

  /**
   * The route's own permissions (a token-file option, the JWT's {@code rfba} claim, a route-query column), and
   * {@code defaults} ({@code --input-permissions}, {@code --view-only}) for a route that sets none, as the static
   * route never does. A route's value replaces the default, wider or narrower.
   */
  static InputPermissionSource byRoute(InputPermissions defaults) {
    Objects.requireNonNull(defaults, "defaults");
    return viewer -> viewer.route().policy().inputPermissions(defaults);
  }
}
