package org.rfbactivity.proxy.config;

/**
 * A VNC server to connect: a {@link HostPort} over TCP, or a {@link UnixSocketTarget} on this machine (websockify's
 * {@code --unix-target}).
 */
public sealed interface Target permits HostPort, UnixSocketTarget {}
