package org.rfbactivity.rfb;

import java.util.Objects;

/**
 * Immutable settings of an {@link RfbInspector}. Every setting has a default; {@link #defaults()} is what
 * {@code new RfbInspector(listener)} uses.
 *
 * <pre>{@code
 * RfbInspectorConfig config = RfbInspectorConfig.builder()
 *     .placement(RfbInspectorConfig.Placement.BACKEND)
 *     .strict(false)
 *     .build();
 * }</pre>
 */
public final class RfbInspectorConfig {

  /** Which channel of the proxy the inspector sits on, i.e. which direction its reads carry. */
  public enum Placement {
    /** On the channel to the VNC server: reads are server→client bytes, writes are client→server bytes. */
    BACKEND,
    /** On a raw TCP channel accepted from the viewer: reads are client→server bytes, writes server→client. */
    CLIENT_FACING
  }

  private static final RfbInspectorConfig DEFAULTS = builder().build();

  private final Placement placement;
  private final boolean strict;
  private final boolean revealKeysyms;

  private RfbInspectorConfig(Builder builder) {
    this.placement = builder.placement;
    this.strict = builder.strict;
    this.revealKeysyms = builder.revealKeysyms;
  }

  /** {@return the defaults: BACKEND placement, lenient, keysyms redacted} */
  public static RfbInspectorConfig defaults() {
    return DEFAULTS;
  }

  /** {@return a builder that starts from the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return which channel the inspector is on, so which of reads and writes are client bytes} */
  public Placement placement() {
    return placement;
  }

  /** {@return whether a protocol problem throws {@link RfbProtocolException} instead of making the connection blind} */
  public boolean strict() {
    return strict;
  }

  /** {@return whether {@link RfbListener#key} receives real keysyms instead of {@link RfbListener#REDACTED_KEYSYM}} */
  public boolean revealKeysyms() {
    return revealKeysyms;
  }

  @Override
  public String toString() {
    return "RfbInspectorConfig{placement=" + placement + ", strict=" + strict + ", revealKeysyms=" + revealKeysyms
        + "}";
  }

  /** Builds a {@link RfbInspectorConfig}; not thread-safe, reusable. */
  public static final class Builder {
    private Placement placement = Placement.BACKEND;
    private boolean strict;
    private boolean revealKeysyms;

    private Builder() {
    }

    /**
     * Default {@link Placement#BACKEND}.
     *
     * @param placement which channel the inspector is on
     * @return this builder
     */
    public Builder placement(Placement placement) {
      this.placement = Objects.requireNonNull(placement, "placement");
      return this;
    }

    /**
     * Default {@code false} (lenient): a protocol problem makes the connection blind, it keeps relaying and emits
     * one {@link RfbListener#inspectionLost} event. {@code true} (for tests and fuzzing): the handler releases the
     * offending buffer and throws {@link RfbProtocolException}.
     *
     * @param strict whether to throw
     * @return this builder
     */
    public Builder strict(boolean strict) {
      this.strict = strict;
      return this;
    }

    /**
     * Default {@code false}: {@link RfbListener#key} gets {@link RfbListener#REDACTED_KEYSYM}. Set it only for a
     * listener that truly needs key identities (e.g. to ignore lock-key resyncs, docs/protocol.md#synthetic-input);
     * keysyms are keystrokes, and must then be kept out of logs and storage by the listener.
     *
     * @param revealKeysyms whether to pass real keysyms
     * @return this builder
     */
    public Builder revealKeysyms(boolean revealKeysyms) {
      this.revealKeysyms = revealKeysyms;
      return this;
    }

    /** {@return the immutable configuration} */
    public RfbInspectorConfig build() {
      return new RfbInspectorConfig(this);
    }
  }
}
