package org.rfbactivity.proxy.control;

import java.util.List;

/**
 * One row of {@code rfb_control_ack}: a replica executed a command.
 *
 * @param replica the replica that executed it
 * @param closed the ids of the viewers it closed for it, sorted (possibly none)
 */
record ControlAck(String replica, List<String> closed) {}
