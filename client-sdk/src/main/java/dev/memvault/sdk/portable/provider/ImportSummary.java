package dev.memvault.sdk.portable.provider;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What an import did. Every conversation read from the file is counted exactly once: as added,
 * updated, unchanged, forgotten or failed.
 *
 * @param conversationsRead conversations read from the file
 * @param conversationsAdded conversations new to the vault
 * @param conversationsUpdated conversations already in the vault that gained messages, a new title
 *     or a new visible thread
 * @param conversationsUnchanged conversations already in the vault with nothing new
 * @param conversationsForgotten conversations left out because they were forgotten in the vault
 * @param messagesAdded messages written, alternates included
 * @param messagesAlreadyPresent messages of the file that the vault already held
 * @param messagesOnOtherBranches of the messages read (added or present), those off the thread the
 *     provider showed, kept as alternates: edited prompts, regenerated answers
 * @param instructionsAdded custom instructions and project instructions written as {@code
 *     INSTRUCTION} memories
 * @param projectsRead projects read from the export (Claude's {@code projects.json}, xAI's
 *     projects)
 * @param memoriesAdded what the assistant remembered ({@code FACT}, {@code PREFERENCE} and {@code
 *     NOTE} memories from Claude's {@code memories.json}) and project documents and descriptions
 *     ({@code NOTE}s), written
 * @param memoriesUpdated of those, memories already in the vault whose text the export changed (a
 *     project document edited since the last import)
 * @param memoriesAlreadyPresent of those, memories the vault already held unchanged
 * @param partsSkipped of the messages added, parts whose content the vault does not hold (images,
 *     audio, files the export only points to; attachments without extracted text; parts of types
 *     the importer does not know), per kind
 * @param failures conversations (or projects) that could not be imported; none of their data was
 *     written
 */
public record ImportSummary(
    Provider provider,
    String scope,
    int conversationsRead,
    int conversationsAdded,
    int conversationsUpdated,
    int conversationsUnchanged,
    int conversationsForgotten,
    int messagesAdded,
    int messagesAlreadyPresent,
    int messagesOnOtherBranches,
    int instructionsAdded,
    int projectsRead,
    int memoriesAdded,
    int memoriesUpdated,
    int memoriesAlreadyPresent,
    Map<SkippedPart, Integer> partsSkipped,
    List<Failure> failures) {

  public ImportSummary {
    Map<SkippedPart, Integer> inOrder = new EnumMap<>(SkippedPart.class);
    inOrder.putAll(partsSkipped);
    partsSkipped = Collections.unmodifiableMap(inOrder);
    failures = List.copyOf(failures);
  }

  /** "3 images, 1 audio file", in the order of {@link SkippedPart}; empty when none. */
  public String describePartsSkipped() {
    return partsSkipped.entrySet().stream()
        .map(entry -> entry.getKey().count(entry.getValue()))
        .collect(Collectors.joining(", "));
  }

  /**
   * A conversation (or another item: a project) that was not imported.
   *
   * @param number its place in the file, counted from 1
   * @param conversationId the provider's id of it, or empty when the file does not say
   * @param reason why, naming the field at fault
   * @param item what failed: "conversation" or "project"
   */
  public record Failure(int number, String conversationId, String reason, String item) {
    public Failure(int number, String conversationId, String reason) {
      this(number, conversationId, reason, "conversation");
    }

    /** "conversation 3 (id abc)" or "conversation 3". */
    public String where() {
      return item + " " + number + (conversationId.isEmpty() ? "" : " (id " + conversationId + ")");
    }
  }

  /**
   * True when the export held conversations or projects and not one of them could be imported, and
   * it held nothing else that was.
   */
  public boolean allFailed() {
    int items = conversationsRead + projectsRead;
    boolean nothingElse = memoriesAdded + memoriesUpdated + memoriesAlreadyPresent == 0;
    return items > 0 && failures.size() == items && nothingElse;
  }
}
