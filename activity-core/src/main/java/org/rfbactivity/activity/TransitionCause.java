package org.rfbactivity.activity;

/**
 * Why a session is in its current state: the cause of its last transition.
 *
 * @param viewerId  the viewer whose open, input, close or elapsed activity caused it; null if none is known
 * @param inputKind the input kind behind it, null when no input was involved
 * @param reason    what kind of event caused it
 */
public record TransitionCause(String viewerId, InputKind inputKind, TransitionReason reason) {}
