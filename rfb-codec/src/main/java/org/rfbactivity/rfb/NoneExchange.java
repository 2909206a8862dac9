package org.rfbactivity.rfb;

/**
 * 1 None, chosen directly or as a Tight or VeNCrypt sub-authentication: no bytes either way. What follows depends on
 * the version (docs/protocol.md#when-a-securityresult-is-sent): a SecurityResult only from 3.8 on, and an Apple 3.889
 * client that chose None from the list waits for neither a SecurityResult nor sends ClientInit (its messages start
 * right after the type byte, shared implicitly). Inside VeNCrypt the result always follows; that is VeNCrypt's rule,
 * not this one.
 */
final class NoneExchange extends SecurityExchange {

  @Override
  boolean server(HandshakeParser in) {
    return true;
  }

  @Override
  boolean client(HandshakeParser in) {
    return true;
  }

  @Override
  boolean resultFollows(ConnectionState conn) {
    return conn.effectiveMinor >= 8 && clientInitFollows(conn);
  }

  @Override
  boolean clientInitFollows(ConnectionState conn) {
    // Only None chosen from the list itself: Tight's None on 3.889 keeps the 3.8 rules.
    return !(conn.apple889 && conn.exchange == this);
  }
}
