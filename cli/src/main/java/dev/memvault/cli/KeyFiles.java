package dev.memvault.cli;

import dev.memvault.core.VaultException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading the small text files keys travel in, with one clear line when one cannot be read. */
final class KeyFiles {
  /** Larger than any key file memvault writes; a larger file is not one. */
  private static final long MAX_BYTES = 16 * 1024;

  private KeyFiles() {}

  static String read(Path file, String what) {
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new VaultException.InvalidInput(file + " is too large to be " + what);
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new VaultException.InvalidInput("no file " + file + " (" + what + ")");
    } catch (IOException e) {
      throw new VaultException.InvalidInput("cannot read " + file + ": " + e.getMessage());
    }
  }
}
