package org.rfbactivity.proxy.relay;

import org.rfbactivity.rfb.InputClass;

/**
 * What the relay and its observers count; the metrics package implements it over Micrometer (and declares every tag
 * value up front from this package's enums). Called on event loops, the byte counts for every relayed buffer: an
 * implementation must not block or allocate. Tag values come from small fixed sets, never from ids or addresses.
 */
public interface RelayMetrics {

  /** A connection became a viewer; {@code frontend} is a {@link FrontendKind} label. */
  void viewerOpened(String frontend);

  /** A viewer closed; {@code reason} is a {@link CloseReason} label. */
  void viewerClosed(String reason);

  /**
   * A connection ended without becoming a viewer; {@code reason} is a {@link RefusalReason} or {@link CloseReason}
   * label.
   */
  void refused(String reason);

  void bytesFromClient(int n);

  void bytesFromServer(int n);

  /** A viewer's server-to-client bytes began to move by splice ({@link ServerSplice}). */
  void viewerSpliced();

  /** An open viewer's stream cannot be inspected; {@code reason} is the codec's blind reason name. */
  void blindViewerOpened(String reason);

  /** A viewer counted by {@link #blindViewerOpened} closed. */
  void blindViewerClosed(String reason);

  /** A restricted viewer's client message was removed ({@link InputFilter}); counted under this class. */
  void inputDropped(InputClass inputClass);
}
