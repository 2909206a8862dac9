package org.rfbactivity.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rfbactivity.proxy.relay.InputPermissions;
import org.rfbactivity.rfb.InputClass;

/** {@code --view-only} and {@code --input-permissions} (docs/architecture.md#input-permissions). */
class InputPermissionsSettingsTest {

  private static final String[] ROUTE = {"--target", "127.0.0.1:5901", "--session-id", "desk"};

  @Test
  void everyViewerHasEveryPermissionByDefault() {
    assertThat(parse().inputPermissions()).isSameAs(InputPermissions.all());
  }

  @Test
  void viewOnlyAloneOrWithAValueOrFromTheEnvironmentAllowsNothing() {
    assertThat(parse("--view-only").inputPermissions()).isEqualTo(InputPermissions.none());
    assertThat(parse("--view-only=true").inputPermissions()).isEqualTo(InputPermissions.none());
    assertThat(parse("--view-only=false").inputPermissions()).isSameAs(InputPermissions.all());
    assertThat(ProxyCommand.parse(ROUTE, Map.of("RFBA_VIEW_ONLY", "true")).config().inputPermissions())
        .isEqualTo(InputPermissions.none());
    assertThat(parse("--view-only", "--input-permissions", "none").inputPermissions())
        .isEqualTo(InputPermissions.none());
  }

  @Test
  void classesAreACommaList() {
    InputPermissions p = parse("--input-permissions", "keys, pointer-motion,clipboard").inputPermissions();
    assertThat(p).isEqualTo(InputPermissions.of(InputClass.KEYS, InputClass.POINTER_MOTION, InputClass.CLIPBOARD));
    assertThat(p).hasToString("keys,pointer-motion,clipboard");
    assertThat(ProxyCommand.parse(ROUTE, Map.of("RFBA_INPUT_PERMISSIONS", "xvp,desktop-resize")).config()
        .inputPermissions()).hasToString("desktop-resize,xvp");
    assertThat(parse("--input-permissions", "keys,pointer-motion,pointer-buttons,clipboard,desktop-resize,xvp")
        .inputPermissions()).isSameAs(InputPermissions.all());
    assertThat(parse("--input-permissions", "NONE").inputPermissions()).isSameAs(InputPermissions.none());
  }

  @Test
  void anUnknownClassOrAConflictIsRefused() {
    assertThatThrownBy(() -> parse("--input-permissions", "keys,mouse")).isInstanceOf(ConfigException.class)
        .hasMessage("--input-permissions=keys,mouse: unknown input class 'mouse', expected all, none or a comma list "
            + "of keys,pointer-motion,pointer-buttons,clipboard,desktop-resize,xvp");
    assertThatThrownBy(() -> parse("--input-permissions", "")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown input class ''");
    assertThatThrownBy(() -> parse("--view-only", "--input-permissions", "keys")).isInstanceOf(ConfigException.class)
        .hasMessage("--input-permissions=keys: conflicts with --view-only, which allows no input");
    assertThatThrownBy(() -> parse("--view-only=yes")).isInstanceOf(ConfigException.class)
        .hasMessage("--view-only=yes: expected true or false");
  }

  private static ProxyConfig parse(String... args) {
    return ProxyCommand.parse(with(args), Map.of()).config();
  }

  private static String[] with(String... args) {
    String[] all = new String[ROUTE.length + args.length];
    System.arraycopy(ROUTE, 0, all, 0, ROUTE.length);
    System.arraycopy(args, 0, all, ROUTE.length, args.length);
    return all;
  }
}
