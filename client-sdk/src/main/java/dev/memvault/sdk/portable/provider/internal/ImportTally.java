package dev.memvault.sdk.portable.provider.internal;

import dev.memvault.sdk.portable.provider.ImportSummary;
import dev.memvault.sdk.portable.provider.Provider;
import dev.memvault.sdk.portable.provider.SkippedPart;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Counts kept while importing one export, turned into its {@link ImportSummary}. */
public final class ImportTally {
  private final Provider provider;
  private final String scope;
  private final List<ImportSummary.Failure> failures = new ArrayList<>();
  private int read;
  private int added;
  private int updated;
  private int unchanged;
  private int forgotten;
  private int messagesAdded;
  private int messagesOnOtherBranches;
  private int messagesPresent;
  private int instructionsAdded;
  private int projectsRead;
  private int memoriesAdded;
  private int memoriesUpdated;
  private int memoriesPresent;
  private final Map<SkippedPart, Integer> partsSkipped = new EnumMap<>(SkippedPart.class);

  public ImportTally(Provider provider, String scope) {
    this.provider = provider;
    this.scope = scope;
  }

  public Provider provider() {
    return provider;
  }

  /** A conversation was read from the export (whether or not it can be imported). */
  public void read() {
    read++;
  }

  /** A project was read from the export. */
  public void projectRead() {
    projectsRead++;
  }

  public void fail(int number, String id, String reason) {
    failures.add(new ImportSummary.Failure(number, id, reason));
  }

  /** An item other than a conversation failed, such as a "project". */
  public void fail(String item, int number, String id, String reason) {
    failures.add(new ImportSummary.Failure(number, id, reason, item));
  }

  /** What writing one conversation did. */
  public void add(ConversationWriter.Outcome outcome) {
    switch (outcome.state()) {
      case ADDED:
        added++;
        break;
      case UPDATED:
        updated++;
        break;
      case UNCHANGED:
        unchanged++;
        break;
      case FORGOTTEN:
        forgotten++;
        break;
      default:
        throw new IllegalStateException(outcome.state().toString());
    }
    messagesAdded += outcome.messagesAdded();
    messagesPresent += outcome.messagesAlreadyPresent();
    messagesOnOtherBranches += outcome.messagesOnOtherBranches();
    instructionsAdded += outcome.instructionsAdded();
    outcome.partsSkipped().forEach((kind, n) -> partsSkipped.merge(kind, n, Integer::sum));
  }

  /** What writing standalone memories did. */
  public void add(MemoryWriter.Outcome outcome) {
    instructionsAdded += outcome.instructionsAdded();
    memoriesAdded += outcome.added() - outcome.instructionsAdded();
    memoriesUpdated += outcome.updated();
    memoriesPresent += outcome.unchanged();
  }

  public ImportSummary summary() {
    return new ImportSummary(
        provider,
        scope,
        read,
        added,
        updated,
        unchanged,
        forgotten,
        messagesAdded,
        messagesPresent,
        messagesOnOtherBranches,
        instructionsAdded,
        projectsRead,
        memoriesAdded,
        memoriesUpdated,
        memoriesPresent,
        partsSkipped,
        // Conversations are written in batches, so failures arrive out of file order.
        failures.stream()
            .sorted(
                Comparator.comparing(ImportSummary.Failure::item)
                    .thenComparingInt(ImportSummary.Failure::number))
            .toList());
  }
}
