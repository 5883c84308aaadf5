package dev.memvault.sdk.portable.provider;

import dev.memvault.core.VaultException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to import an export: the scope that receives the conversations, the application name recorded
 * in {@code Source.app}, and who hears about progress.
 */
public record ImportOptions(String scope, String app, ImportProgress progress) {
  public static final String DEFAULT_SCOPE = "chats";

  private static final Pattern SCOPE_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  /**
   * @throws VaultException.InvalidInput if the scope name is not valid, before anything is read
   */
  public ImportOptions {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(app, "app");
    Objects.requireNonNull(progress, "progress");
    if (!SCOPE_NAME.matcher(scope).matches()) {
      throw new VaultException.InvalidInput(
          "scope '"
              + scope
              + "' is not valid: use 1 to 64 lowercase letters, digits, '-' or '_',"
              + " starting with a letter or digit");
    }
  }

  /** Scope {@value #DEFAULT_SCOPE}, app {@code memvault-sdk}, no progress reports. */
  public static ImportOptions defaults() {
    return new ImportOptions(DEFAULT_SCOPE, "memvault-sdk", ImportProgress.NONE);
  }

  public ImportOptions withScope(String value) {
    return new ImportOptions(value, app, progress);
  }

  public ImportOptions withApp(String value) {
    return new ImportOptions(scope, value, progress);
  }

  public ImportOptions withProgress(ImportProgress value) {
    return new ImportOptions(scope, app, value);
  }
}
