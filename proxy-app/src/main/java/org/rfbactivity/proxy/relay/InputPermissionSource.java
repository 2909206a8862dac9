package org.rfbactivity.proxy.relay;

import java.util.Objects;

/**
 * Decides a viewer's {@link InputPermissions} when its backend pipeline is built, from who it is (its route). Today
 * one value for every viewer ({@code --input-permissions}, {@code --view-only}); per-route sources (a JWT claim, a
 * route-query column, a token-file option) are not wired yet and will implement this from the route
 * (docs/architecture.md#input-permissions).
 */
@FunctionalInterface
public interface InputPermissionSource {

  /** Called on the viewer's event loop once its route is known: must not block. */
  InputPermissions forViewer(ViewerDescription viewer);

  /** The same permissions for every viewer. */
  static InputPermissionSource fixed(InputPermissions permissions) {
    Objects.requireNonNull(permissions, "permissions");
    return viewer -> permissions;
  }
}
