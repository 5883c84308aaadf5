package dev.memvault.cli;

import dev.memvault.sdk.portable.provider.ImportOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The arguments every provider import takes: the export, the scope, and help. */
final class ProviderImportArguments {
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help.")
  boolean help;

  @Option(
      names = "--scope",
      paramLabel = "SCOPE",
      defaultValue = ImportOptions.DEFAULT_SCOPE,
      description = "Scope to import into (default: ${DEFAULT-VALUE}).")
  String scope;

  @Parameters(
      paramLabel = "EXPORT",
      description = "The export's .zip, the folder it unpacks to, or its JSON file.")
  Path export;
}
