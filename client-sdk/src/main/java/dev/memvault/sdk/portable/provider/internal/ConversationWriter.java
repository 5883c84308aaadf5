package dev.memvault.sdk.portable.provider.internal;

import com.google.protobuf.Timestamp;
import dev.memvault.core.VaultException;
import dev.memvault.core.vault.SourceMatch;
import dev.memvault.core.vault.Uuid7;
import dev.memvault.core.vault.VaultTransactions;
import dev.memvault.core.vault.Writes;
import dev.memvault.proto.v1.Conversation;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Link;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Message;
import dev.memvault.proto.v1.Part;
import dev.memvault.proto.v1.Source;
import dev.memvault.sdk.portable.provider.SkippedPart;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Stores one imported conversation in one transaction: its header, its messages (visible thread and
 * alternates) and the instructions found in it, all or nothing.
 *
 * <p>Idempotent by the provider's ids ({@code Source.provider} and {@code Source.external_id}): a
 * conversation already in the vault gains only the messages it lacks, and its stored messages are
 * moved (new revisions of position, branch and parent) only when the export shows a different
 * visible thread. A forgotten conversation, message or instruction is not brought back.
 */
public final class ConversationWriter {
  static final String ALTERNATE_OF = "alternate-of";

  private final VaultTransactions vault;
  private final String provider;
  private final String scope;
  private final String app;
  private final Uuid7 ids = new Uuid7(Clock.systemUTC(), new SecureRandom());

  public ConversationWriter(VaultTransactions vault, String provider, String scope, String app) {
    this.vault = vault;
    this.provider = provider;
    this.scope = scope;
    this.app = app;
  }

  /** What happened to one conversation. */
  public enum State {
    ADDED,
    UPDATED,
    UNCHANGED,
    FORGOTTEN
  }

  /**
   * The outcome of writing one conversation; {@code messagesOnOtherBranches} counts its messages
   * (added or present) off the thread the provider showed: edited prompts, regenerated answers.
   */
  public record Outcome(
      State state,
      int messagesAdded,
      int messagesAlreadyPresent,
      int instructionsAdded,
      int messagesOnOtherBranches,
      Map<SkippedPart, Integer> partsSkipped) {
    public Outcome {
      partsSkipped = Map.copyOf(partsSkipped);
    }
  }

  /**
   * Writes the conversation; if anything fails, nothing of it was written.
   *
   * @throws dev.memvault.core.VaultException.InvalidInput if a record breaks a format rule
   */
  public Outcome write(ImportedConversation conversation) {
    return vault.write(writes -> new Transaction(writes, conversation).run());
  }

  /** The result of one conversation of {@link #writeAll}: its outcome, or why it was refused. */
  public record Result(Outcome outcome, VaultException.InvalidInput refusal) {}

  /**
   * Writes several conversations in one durable commit, each inside its own savepoint: a
   * conversation that breaks a format rule is undone alone and reported in its result; the others
   * are written. One commit per batch instead of per conversation is what makes a large import fast
   * (each commit waits for the disk).
   */
  public List<Result> writeAll(List<ImportedConversation> conversations) {
    return vault.write(
        writes -> {
          List<Result> results = new ArrayList<>(conversations.size());
          for (ImportedConversation conversation : conversations) {
            try {
              results.add(
                  new Result(writes.attempt(w -> new Transaction(w, conversation).run()), null));
            } catch (VaultException.InvalidInput refused) {
              results.add(new Result(null, refused));
            }
          }
          return results;
        });
  }

  /** The work of one {@link #write}: state that lives as long as its transaction. */
  private final class Transaction {
    private final Writes writes;
    private final ImportedConversation conversation;
    private final Map<String, String> memoryIds = new HashMap<>();
    private int messagesAdded;
    private int messagesPresent;
    private int messagesMoved;
    private final Map<SkippedPart, Integer> partsSkipped = new EnumMap<>(SkippedPart.class);

    Transaction(Writes writes, ImportedConversation conversation) {
      this.writes = writes;
      this.conversation = conversation;
    }

    Outcome run() {
      Optional<SourceMatch> known = writes.findBySource(provider, conversation.externalId());
      if (known.isPresent() && known.get().forgotten()) {
        return new Outcome(State.FORGOTTEN, 0, 0, 0, 0, Map.of());
      }
      int instructionsAdded = writeInstructions();
      String conversationId;
      Map<String, Memory> stored;
      if (known.isPresent()) {
        conversationId = known.get().id();
        stored =
            writes.messages(conversationId).stream()
                .filter(m -> m.getSource().getProvider().equals(provider))
                .collect(
                    Collectors.toMap(
                        m -> m.getSource().getExternalId(), m -> m, (first, second) -> first));
      } else {
        conversationId = writes.add(header()).getId();
        stored = Map.of();
      }
      for (ImportedMessage message : conversation.messages()) {
        writeMessage(conversationId, message, stored.get(message.externalId()), known.isPresent());
      }
      if (known.isEmpty()) {
        return new Outcome(
            State.ADDED,
            messagesAdded,
            messagesPresent,
            instructionsAdded,
            otherBranches(),
            partsSkipped);
      }
      boolean headerChanged = updateHeader(conversationId);
      State state =
          headerChanged || messagesAdded > 0 || messagesMoved > 0 ? State.UPDATED : State.UNCHANGED;
      return new Outcome(
          state, messagesAdded, messagesPresent, instructionsAdded, otherBranches(), partsSkipped);
    }

    /** Counted for messages added only, so that importing an export again counts nothing. */
    private void countSkipped(MessageContent content) {
      for (Part part : content.parts()) {
        SkippedPart.of(part).ifPresent(kind -> partsSkipped.merge(kind, 1, Integer::sum));
      }
      for (SkippedPart kind : content.dropped()) {
        partsSkipped.merge(kind, 1, Integer::sum);
      }
    }

    private int otherBranches() {
      return (int) conversation.messages().stream().filter(m -> !m.visible()).count();
    }

    private int writeInstructions() {
      int added = 0;
      for (ImportedInstruction instruction : conversation.instructions()) {
        if (writes.findBySource(provider, instruction.externalId()).isPresent()) {
          continue;
        }
        Instant at = firstNonNull(instruction.createdAt(), conversation.createdAt());
        Memory.Builder draft =
            Memory.newBuilder()
                .setScope(scope)
                .setKind(Kind.INSTRUCTION)
                .setText(instruction.text())
                .putAttributes("custom_instructions", instruction.field())
                .setSource(source(instruction.externalId(), ""));
        setTimes(draft, at, at);
        writes.add(draft.build());
        added++;
      }
      return added;
    }

    private Memory header() {
      Memory.Builder draft =
          Memory.newBuilder()
              .setScope(scope)
              .setKind(Kind.CONVERSATION)
              .setText(conversation.summary())
              .setConversation(
                  Conversation.newBuilder()
                      .setTitle(conversation.title())
                      .setMessageCount(conversation.visibleCount()))
              .setSource(source(conversation.externalId(), conversation.model()));
      setTimes(draft, conversation.createdAt(), conversation.updatedAt());
      return draft.build();
    }

    private boolean updateHeader(String conversationId) {
      Memory current = writes.get(conversationId);
      String title = conversation.title();
      int count = conversation.visibleCount();
      String summary =
          conversation.summary().isBlank() ? current.getText() : conversation.summary();
      if (current.getConversation().getTitle().equals(title)
          && current.getConversation().getMessageCount() == count
          && current.getText().equals(summary)) {
        return false;
      }
      writes.update(
          conversationId,
          builder ->
              builder
                  .setText(summary)
                  .setConversation(
                      builder.getConversation().toBuilder()
                          .setTitle(title)
                          .setMessageCount(count)));
      return true;
    }

    private void writeMessage(
        String conversationId, ImportedMessage message, Memory stored, boolean knownConversation) {
      if (stored == null && knownConversation) {
        Optional<SourceMatch> elsewhere =
            writes.findMessageBySource(conversationId, provider, message.externalId());
        if (elsewhere.isPresent() && elsewhere.get().forgotten()) {
          memoryIds.put(message.externalId(), elsewhere.get().id());
          messagesPresent++;
          return;
        }
      }
      String id = stored != null ? stored.getId() : ids.next().toString();
      memoryIds.put(message.externalId(), id);
      Message layout = layout(conversationId, message);
      Optional<String> alternateOf = idOf(message.alternateOfExternalId());
      if (stored == null) {
        writes.add(draft(id, message, layout, alternateOf));
        messagesAdded++;
        countSkipped(message.content());
        return;
      }
      messagesPresent++;
      Message was = stored.getMessage();
      Optional<String> linkedBefore =
          stored.getLinksList().stream()
              .filter(link -> link.getRelation().equals(ALTERNATE_OF))
              .map(Link::getTargetId)
              .findFirst();
      if (was.getPosition() == layout.getPosition()
          && was.getBranch().equals(layout.getBranch())
          && was.getParentId().equals(layout.getParentId())
          && linkedBefore.equals(alternateOf)) {
        return;
      }
      // The person switched branches between exports: the thread moves, the content stays.
      writes.update(
          id,
          builder -> {
            builder.setMessage(
                builder.getMessage().toBuilder()
                    .setPosition(layout.getPosition())
                    .setBranch(layout.getBranch())
                    .setParentId(layout.getParentId()));
            List<Link> others =
                builder.getLinksList().stream()
                    .filter(link -> !link.getRelation().equals(ALTERNATE_OF))
                    .toList();
            builder.clearLinks().addAllLinks(others);
            alternateOf.ifPresent(target -> builder.addLinks(alternateOfLink(target)));
          });
      messagesMoved++;
    }

    private Message layout(String conversationId, ImportedMessage message) {
      return Message.newBuilder()
          .setConversationId(conversationId)
          .setPosition(message.position())
          .setBranch(idOf(message.branchExternalId()).orElse(""))
          .setParentId(idOf(message.parentExternalId()).orElse(""))
          .build();
    }

    private Memory draft(
        String id, ImportedMessage message, Message layout, Optional<String> alternateOf) {
      MessageContent content = message.content();
      Memory.Builder draft =
          Memory.newBuilder()
              .setId(id)
              .setScope(scope)
              .setKind(Kind.MESSAGE)
              .setText(content.visibleText())
              .setSource(source(content.externalId(), content.model()))
              .setMessage(
                  layout.toBuilder()
                      .setRole(content.role())
                      .setAuthor(content.author())
                      .addAllParts(content.parts()));
      alternateOf.ifPresent(target -> draft.addLinks(alternateOfLink(target)));
      Instant at = firstNonNull(content.createdAt(), conversation.createdAt());
      setTimes(draft, at, at);
      return draft.build();
    }

    private Optional<String> idOf(String externalId) {
      return externalId == null ? Optional.empty() : Optional.ofNullable(memoryIds.get(externalId));
    }
  }

  private Source source(String externalId, String model) {
    return Source.newBuilder()
        .setProvider(provider)
        .setModel(model)
        .setApp(app)
        .setExternalId(externalId)
        .build();
  }

  private static Link alternateOfLink(String target) {
    return Link.newBuilder().setTargetId(target).setRelation(ALTERNATE_OF).build();
  }

  /** Times from the export; when it has none, the vault uses the time of the import. */
  private static void setTimes(Memory.Builder draft, Instant created, Instant updated) {
    if (created == null) {
      return;
    }
    draft.setCreatedAt(timestamp(created));
    draft.setUpdatedAt(timestamp(updated == null || updated.isBefore(created) ? created : updated));
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  private static Instant firstNonNull(Instant first, Instant second) {
    return first != null ? first : second;
  }
}
