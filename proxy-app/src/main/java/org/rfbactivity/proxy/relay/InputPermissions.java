package org.rfbactivity.proxy.relay;

import java.util.Locale;
import java.util.StringJoiner;
import org.rfbactivity.rfb.InputClass;

/**
 * Which input classes one viewer may send to the VNC server (x11vnc's {@code -input}, TigerVNC's
 * {@code Accept*Events}; docs/architecture.md#input-permissions). Immutable. A viewer with {@link #all()} has no
 * {@link InputFilter} in its pipeline; any other value adds one when the viewer's backend pipeline is built.
 */
public final class InputPermissions {

  private static final InputPermissions ALL = new InputPermissions(InputClass.ALL_BITS);
  private static final InputPermissions NONE = new InputPermissions(0);

  private final int allowed;

  private InputPermissions(int allowed) {
    this.allowed = allowed;
  }

  /** Every class: the default, and no filter. */
  public static InputPermissions all() {
    return ALL;
  }

  /** No class: view-only. */
  public static InputPermissions none() {
    return NONE;
  }

  /** Exactly {@code classes}. */
  public static InputPermissions of(InputClass... classes) {
    int bits = 0;
    for (InputClass c : classes) {
      bits |= c.bit();
    }
    return bits == InputClass.ALL_BITS ? ALL : bits == 0 ? NONE : new InputPermissions(bits);
  }

  /**
   * {@code all}, {@code none}, or a comma list of class labels ({@code keys,pointer-motion}); blanks around
   * commas are ignored.
   *
   * @throws IllegalArgumentException naming the unknown class and the known ones
   */
  public static InputPermissions parse(String text) {
    String trimmed = text.trim().toLowerCase(Locale.ROOT);
    if (trimmed.equals("all")) {
      return ALL;
    }
    if (trimmed.equals("none")) {
      return NONE;
    }
    int bits = 0;
    for (String part : trimmed.split(",", -1)) {
      String label = part.trim();
      InputClass found = null;
      for (InputClass c : InputClass.values()) {
        if (c.label().equals(label)) {
          found = c;
        }
      }
      if (found == null) {
        throw new IllegalArgumentException("unknown input class '" + label + "', expected all, none or a comma list of "
            + labels(InputClass.ALL_BITS));
      }
      bits |= found.bit();
    }
    return bits == InputClass.ALL_BITS ? ALL : bits == 0 ? NONE : new InputPermissions(bits);
  }

  /** The allowed classes' bits ({@link InputClass#bit()}). */
  public int allowedBits() {
    return allowed;
  }

  public boolean allows(InputClass inputClass) {
    return (allowed & inputClass.bit()) != 0;
  }

  /** Whether nothing is withheld: such a viewer's pipeline has no filter. */
  public boolean isAll() {
    return allowed == InputClass.ALL_BITS;
  }

  private static String labels(int bits) {
    StringJoiner j = new StringJoiner(",");
    for (InputClass c : InputClass.values()) {
      if ((bits & c.bit()) != 0) {
        j.add(c.label());
      }
    }
    return j.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InputPermissions p && p.allowed == allowed;
  }

  @Override
  public int hashCode() {
    return allowed;
  }

  /** As {@link #parse} reads it: {@code all}, {@code none} or the comma list. */
  @Override
  public String toString() {
    return allowed == InputClass.ALL_BITS ? "all" : allowed == 0 ? "none" : labels(allowed);
  }
}
