package dev.memvault.sdk;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where a vault lives when the caller does not say: {@code $MEMVAULT_HOME}, else {@code
 * ~/.memvault}.
 */
public final class VaultLocation {
  public static final String HOME_VARIABLE = "MEMVAULT_HOME";

  private VaultLocation() {}

  public static Path resolve(Path explicit) {
    return resolve(explicit, System.getenv(), System.getProperty("user.home"));
  }

  public static Path resolve(Path explicit, Map<String, String> environment, String userHome) {
    if (explicit != null) {
      return explicit.toAbsolutePath().normalize();
    }
    String home = environment.get(HOME_VARIABLE);
    if (home != null && !home.isBlank()) {
      return Path.of(home).toAbsolutePath().normalize();
    }
    return Path.of(userHome, ".memvault");
  }
}
