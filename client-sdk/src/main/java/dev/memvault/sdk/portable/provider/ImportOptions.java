package dev.memvault.sdk.portable.provider;

import dev.memvault.core.VaultException;
import dev.memvault.core.vault.Vault;
import java.util.Objects;

/**
 * How to import an export: the scope that receives the conversations (and the memories, projects
 * and instructions the export holds), the application name recorded in {@code Source.app}, and who
 * hears about progress.
 */
public record ImportOptions(String scope, String app, ImportProgress progress) {
  public static final String DEFAULT_SCOPE = "chats";

  /**
   * @throws VaultException.InvalidInput if the scope name is not valid, before anything is read
   */
  public ImportOptions {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(app, "app");
    Objects.requireNonNull(progress, "progress");
    Vault.requireValidScopeName(scope);
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
