package dev.memvault.core.vault;

/** Told what a rekey is doing: each step takes time in proportion to the database's size. */
@FunctionalInterface
public interface RekeyProgress {
  RekeyProgress NONE = message -> {};

  void step(String message);
}
