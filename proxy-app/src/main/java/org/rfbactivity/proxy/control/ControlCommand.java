package org.rfbactivity.proxy.control;

import java.time.Instant;

/**
 * One row of {@code rfb_control_command}: a replica asked the others to close what they hold of a target.
 *
 * @param id the row's id, which the {@code NOTIFY} names
 * @param issuedAt when it was stored (the database's clock)
 * @param issuedBy the replica whose admin API was asked
 * @param target what to close
 * @param reason the operator's reason, or null
 */
record ControlCommand(long id, Instant issuedAt, String issuedBy, DisconnectTarget target, String reason) {}
