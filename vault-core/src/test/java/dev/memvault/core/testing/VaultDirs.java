package dev.memvault.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Copies and byte-level snapshots of vault directories. */
public final class VaultDirs {
  private VaultDirs() {}

  /** Every regular file in {@code dir} (not recursive), by name, with its bytes. */
  public static Map<String, byte[]> snapshot(Path dir) {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path file : (Iterable<Path>) entries::iterator) {
        if (Files.isRegularFile(file)) {
          files.put(file.getFileName().toString(), Files.readAllBytes(file));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  /** Copies the files of a closed vault into a new directory {@code target}. */
  public static Path copy(Path source, Path target) {
    try {
      Files.createDirectories(target);
      for (Map.Entry<String, byte[]> file : snapshot(source).entrySet()) {
        Files.write(target.resolve(file.getKey()), file.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return target;
  }
}
