package dev.memvault.core.vault;

/** A scope and how many live memories it holds (conversation messages not counted). */
public record ScopeSummary(String name, long memories, int keyCount) {}
