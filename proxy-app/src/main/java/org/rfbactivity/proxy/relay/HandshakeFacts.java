package org.rfbactivity.proxy.relay;

/**
 * What its observer knew of a connection when it became a viewer, for the viewer's log lines.
 *
 * @param protocolVersion the client's protocol version, or null when unknown (a blind or uninspected stream)
 * @param securityType the negotiated security type, or null when unknown
 * @param blindReason why the stream cannot be inspected, or null when it can
 */
public record HandshakeFacts(String protocolVersion, String securityType, String blindReason) {}
