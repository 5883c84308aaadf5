package dev.memvault.cli;

import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.portable.context.ContextBuilder;
import dev.memvault.sdk.portable.context.ContextRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "context",
    mixinStandardHelpOptions = true,
    description = {
      "Print what the vault knows about QUERY, to paste anywhere.",
      "What matters for QUERY, as one plain-text block to paste into any assistant. It starts with the line",
      "\"" + ContextBuilder.HEADER + "\"",
      "",
      "QUERY's words are looked for one by one, each as a word start (trip finds",
      "trips), leaving out small words such as \"a\" and \"the\"; \"quoted words\" stay",
      "a phrase. A memory that matches more of the words ranks higher.",
      "",
      "What goes in, in this order:",
      "  1. Your instructions and preferences, even those that do not match QUERY:",
      "     the matching ones first, then the others, most recently updated first.",
      "     The others take at most half of --limit and half of --max-chars; any",
      "     left out come back at the end if room is left.",
      "  2. Facts and notes that match QUERY, best match first.",
      "  3. Excerpts of past conversations that match QUERY (from the thread you kept), with",
      "     their titles; each also names its conversation's id, for 'memvault show'.",
      "Every line ends with where it came from and when, such as",
      "(chatgpt, 2024-05-29) or (you, 2026-11-28). A line that does not fit",
      "--max-chars is left out whole, never cut; a very long memory is shortened",
      "with \"…\".",
      "",
      "Example: memvault context \"planning a trip\" --scope personal --max-chars 2000"
    })
final class ContextCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Option(
      names = "--scope",
      paramLabel = "SCOPE",
      description = "Only this scope; repeat for several (default: every scope).")
  List<String> scopes = new ArrayList<>();

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "" + ContextRequest.DEFAULT_LIMIT,
      description = "At most N memories (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(
      names = "--max-chars",
      paramLabel = "N",
      defaultValue = "" + ContextRequest.DEFAULT_MAX_CHARS,
      description =
          "At most N characters in all, line breaks included (default: ${DEFAULT-VALUE}).")
  int maxChars;

  @Parameters(
      paramLabel = "QUERY",
      arity = "1..*",
      description = "What the conversation ahead is about.")
  List<String> words;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    // Checked before opening, so a typo costs no key derivation.
    if (limit < 1 || limit > ContextRequest.MAX_LIMIT) {
      throw new Main.UsageException("--limit must be between 1 and " + ContextRequest.MAX_LIMIT);
    }
    if (maxChars < ContextRequest.MIN_MAX_CHARS) {
      throw new Main.UsageException("--max-chars must be at least " + ContextRequest.MIN_MAX_CHARS);
    }
    ContextRequest request =
        ContextRequest.of(String.join(" ", words))
            .inScopes(scopes)
            .limitedTo(limit)
            .withMaxChars(maxChars);
    try (MemoryVault opened = vault.open()) {
      context.out().print(new ContextBuilder(opened).build(request));
    }
    return Main.OK;
  }
}
