package dev.memvault.core.vault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A vault's files are its owner's only, where files have POSIX modes: the directory 0700, the
 * database and the header 0600. The contents are encrypted anyway; the modes keep other users of
 * the machine from copying them for an offline passphrase guess.
 */
final class VaultFiles {
  private VaultFiles() {}

  /**
   * Creates {@code directory} with mode 0700 (and missing parents as usual); keeps an existing one.
   */
  static void createDirectory(Path directory) throws IOException {
    if (Files.isDirectory(directory)) {
      return;
    }
    Path parent = directory.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try {
      Files.createDirectory(
          directory,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createDirectory(directory);
    }
  }

  /**
   * Creates the empty database file with mode 0600 before SQLite opens it: SQLite gives the
   * write-ahead log and shared-memory files it makes later the database file's mode.
   */
  static void createDatabase(Path database) throws IOException {
    ownerOnly(Files.createFile(database));
  }

  /** Mode 0600, where files have POSIX modes. */
  static void ownerOnly(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // The file keeps the access rules of its directory.
    }
  }
}
