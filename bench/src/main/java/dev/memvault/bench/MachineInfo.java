package dev.memvault.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What the results were measured on, read from the JVM and from /proc where it is readable. */
final class MachineInfo {
  private MachineInfo() {}

  static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  static String cpuModel() {
    return procLine(Path.of("/proc/cpuinfo"), "model name").orElse("unknown");
  }

  static String memory() {
    return procLine(Path.of("/proc/meminfo"), "MemTotal")
        .map(
            kb -> {
              try {
                long kib = Long.parseLong(kb.replaceAll("[^0-9]", ""));
                return String.format(Locale.ROOT, "%.1f GiB", kib / 1024.0 / 1024.0);
              } catch (NumberFormatException e) {
                return kb;
              }
            })
        .orElse("unknown");
  }

  static String java() {
    return System.getProperty("java.version")
        + " ("
        + System.getProperty("java.vm.name")
        + " "
        + System.getProperty("java.vm.version")
        + ")";
  }

  static String os() {
    return System.getProperty("os.name")
        + " "
        + System.getProperty("os.version")
        + " "
        + System.getProperty("os.arch");
  }

  static String maxHeap() {
    return (Runtime.getRuntime().maxMemory() / (1024 * 1024)) + " MiB";
  }

  /** The 1, 5 and 15 minute load averages, as uptime shows them. */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  static String fileSystem(Path directory) {
    try {
      var store = Files.getFileStore(directory);
      return store.type() + " (" + store.name() + ")";
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** This process's resident set size (VmRSS), or 0 where the system does not say. */
  static long residentBytes() {
    return residentBytes(Path.of("/proc/self/status"));
  }

  /** Process {@code pid}'s resident set size (VmRSS), or 0 where the system does not say. */
  static long residentBytes(long pid) {
    return residentBytes(Path.of("/proc", Long.toString(pid), "status"));
  }

  private static long residentBytes(Path status) {
    return procLine(status, "VmRSS")
        .map(value -> Long.parseLong(value.replace("kB", "").trim()) * 1024)
        .orElse(0L);
  }

  private static Optional<String> procLine(Path file, String key) {
    try {
      List<String> lines = Files.readAllLines(file);
      for (String line : lines) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
          return Optional.of(line.substring(colon + 1).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or not readable: reported as unknown.
    }
    return Optional.empty();
  }
}
