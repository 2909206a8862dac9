/**
 * A zero-copy Netty inspector for RFB (VNC) connections: {@link org.rfbactivity.rfb.RfbInspector} follows the
 * handshake in both directions and frames every client message, reporting typed input to an
 * {@link org.rfbactivity.rfb.RfbListener}. Protocol facts and their public sources: {@code docs/protocol.md}, cited
 * by section in the code; the community specification is rfbproto ({@code rfbproto.rst}).
 */
package org.rfbactivity.rfb;
