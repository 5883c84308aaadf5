package dev.memvault.core.vault;

/** A memory found by its provider id: its id here, and whether it was forgotten. */
public record SourceMatch(String id, boolean forgotten) {}
