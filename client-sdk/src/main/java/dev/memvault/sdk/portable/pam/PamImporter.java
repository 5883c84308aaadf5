package dev.memvault.sdk.portable.pam;

import dev.memvault.core.VaultException;
import dev.memvault.core.vault.SourceMatch;
import dev.memvault.core.vault.Uuid7;
import dev.memvault.core.vault.VaultTransactions;
import dev.memvault.core.vault.Writes;
import dev.memvault.proto.v1.Link;
import dev.memvault.proto.v1.Memory;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.portable.provider.ImportOptions;
import dev.memvault.sdk.portable.provider.internal.ConversationWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Imports a Portable AI Memory v1.0 export (docs/FORMAT.md, "PAM"), written by memvault or any
 * other tool: a directory holding {@code memory-store.json} and its conversation files, or the
 * {@code memory-store.json} alone.
 *
 * <p>Guarantees: the memory store is checked whole (schema, version, required fields, every content
 * hash, the integrity checksum, the relations' ends) before anything is written, and its memories
 * are written in one transaction, so a damaged, truncated or altered file leaves the vault
 * unchanged. The store is read as a stream, in passes, never held whole: the heap holds ids, not
 * memories, so a store larger than the heap imports. Importing is idempotent: a memory memvault
 * exported comes back under its own id and is skipped when the vault has that id; any other memory
 * is keyed by its platform and content hash, so the same content is stored once. A forgotten memory
 * is not brought back. Each conversation is imported whole or not at all; one that fails is listed
 * and the others go on.
 */
public final class PamImporter {
  private final VaultTransactions vault;
  private final Uuid7 ids = new Uuid7(Clock.systemUTC(), new SecureRandom());

  public PamImporter(MemoryVault vault) {
    this.vault = vault.transactions();
  }

  /**
   * Imports the export at {@code path}: its directory or its {@code memory-store.json}.
   *
   * @throws VaultException.NotFound if there is no such file, or the directory holds no store
   * @throws VaultException.InvalidInput if the memory store is not a valid PAM 1.x store (nothing
   *     is imported then)
   */
  public PamImportReport importFrom(Path path, ImportOptions options) {
    Path store = Files.isDirectory(path) ? path.resolve(PamFormat.STORE_FILE) : path;
    if (Files.isDirectory(path) && !Files.exists(store)) {
      throw new VaultException.NotFound(
          path + " holds no " + PamFormat.STORE_FILE + ": it is not a PAM export");
    }
    if (!Files.exists(store)) {
      throw new VaultException.NotFound("there is no file " + path);
    }
    Path directory = store.toAbsolutePath().normalize().getParent();
    long total = size(store);
    PamStore parsed = PamStore.read(store, store.toString());
    List<Path> conversationFiles = new ArrayList<>();
    for (PamStore.StoreConversation conversation : parsed.conversations()) {
      Path file = conversation.fileRef() == null ? null : directory.resolve(conversation.fileRef());
      conversationFiles.add(file);
      if (file != null && file.normalize().startsWith(directory) && Files.isRegularFile(file)) {
        total += size(file);
      }
    }
    Run run = new Run(options, total);
    run.memories(parsed);
    run.progress(size(store));
    for (int i = 0; i < parsed.conversations().size(); i++) {
      run.conversation(parsed.conversations().get(i), conversationFiles.get(i), directory);
    }
    return run.report(parsed.memoryCount(), parsed.signature());
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  /** One import: its options and counts. */
  private final class Run {
    private final ImportOptions options;
    private final long totalBytes;
    private long bytesDone;
    private int memoriesAdded;
    private int memoriesPresent;
    private int memoriesForgotten;
    private int memoriesRetracted;
    private int relationsKept;
    private int conversationsRead;
    private int conversationsAdded;
    private int conversationsUpdated;
    private int conversationsUnchanged;
    private int conversationsForgotten;
    private int conversationsElsewhere;
    private int messagesAdded;
    private int messagesPresent;
    private final List<PamImportReport.Failure> failures = new ArrayList<>();

    Run(ImportOptions options, long totalBytes) {
      this.options = options;
      this.totalBytes = totalBytes;
    }

    void progress(long bytes) {
      bytesDone += bytes;
      options.progress().update(bytesDone, totalBytes);
    }

    void memories(PamStore store) {
      Counts counts = vault.write(writes -> writeMemories(writes, store));
      memoriesAdded = counts.added;
      memoriesPresent = counts.present;
      memoriesForgotten = counts.forgotten;
      memoriesRetracted = counts.retracted;
      relationsKept = counts.relations;
    }

    /**
     * Reads the memories twice, one at a time: first to give each its id here, then to write those
     * to be written with their links. The heap holds ids, never every memory.
     */
    private Counts writeMemories(Writes writes, PamStore store) {
      Counts counts = new Counts();
      Plan plan = new Plan();
      store.forEachMemory(memory -> plan.add(writes, memory, counts));
      Map<String, String> idHere = plan.idHere;
      Map<String, List<Link>> links = new HashMap<>();
      for (PamStore.StoreRelation relation : store.relations()) {
        String from = idHere.get(relation.from());
        String to = idHere.get(relation.to());
        if (from != null && to != null && !from.equals(to)) {
          links
              .computeIfAbsent(from, f -> new ArrayList<>())
              .add(
                  Link.newBuilder()
                      .setTargetId(to)
                      .setRelation(relation.type().replace('_', '-'))
                      .build());
        }
      }
      store.forEachMemory(
          memory -> {
            if (plan.toWrite.contains(memory.id())) {
              write(writes, store, memory, idHere.get(memory.id()), links, counts);
            }
          });
      return counts;
    }

    /**
     * Which id each memory of the file has here (its own, the one the vault or an earlier memory of
     * the file holds for its content, or a new one), and which memories are to be written.
     */
    private final class Plan {
      final Map<String, String> idHere = new HashMap<>();
      final Set<String> toWrite = new HashSet<>();
      private final Map<String, String> seenContent = new HashMap<>();

      void add(Writes writes, PamStore.StoreMemory memory, Counts counts) {
        if (memory.status().equals("retracted")) {
          counts.retracted++;
          return;
        }
        Optional<MemvaultMember> own =
            MemvaultMember.of(memory.id(), memory.node().get("metadata"));
        if (own.isPresent()) {
          idHere.put(memory.id(), own.get().id());
          toWrite.add(memory.id());
          return;
        }
        String contentKey = memory.platform() + "\n" + memory.contentHash();
        String earlier = seenContent.get(contentKey);
        if (earlier != null) {
          idHere.put(memory.id(), earlier);
          counts.present++;
          return;
        }
        Optional<SourceMatch> known = writes.findBySource(memory.platform(), memory.contentHash());
        if (known.isPresent()) {
          idHere.put(memory.id(), known.get().id());
          if (known.get().forgotten()) {
            counts.forgotten++;
          } else {
            counts.present++;
          }
        } else {
          String id = ids.next().toString();
          idHere.put(memory.id(), id);
          seenContent.put(contentKey, id);
          toWrite.add(memory.id());
        }
      }
    }

    private void write(
        Writes writes,
        PamStore store,
        PamStore.StoreMemory memory,
        String id,
        Map<String, List<Link>> links,
        Counts counts) {
      try {
        Optional<MemvaultMember> own =
            MemvaultMember.of(memory.id(), memory.node().get("metadata"));
        if (own.isPresent()) {
          write(writes, memory, own.get(), counts);
        } else {
          Memory.Builder draft = ForeignMemories.draft(memory, id, options.scope(), options.app());
          List<Link> out = links.getOrDefault(id, List.of());
          draft.addAllLinks(out);
          writes.add(draft.build());
          counts.added++;
          counts.relations += out.size();
        }
      } catch (VaultException.InvalidInput e) {
        throw new VaultException.InvalidInput(
            store.name()
                + ": memory "
                + memory.number()
                + " (id "
                + memory.id()
                + ") cannot be stored: "
                + e.getMessage()
                + "; nothing was imported");
      }
    }

    /** A memory memvault exported: restored under its own id, at its revision. */
    private void write(
        Writes writes, PamStore.StoreMemory memory, MemvaultMember own, Counts counts) {
      Memory restored =
          own.memory(memory.content(), memory.createdAt(), memory.updatedAt()).build();
      if (writes.restore(List.of(restored))) {
        counts.added++;
      } else if (isForgotten(writes, restored.getId())) {
        counts.forgotten++;
      } else {
        counts.present++;
      }
    }

    void conversation(PamStore.StoreConversation entry, Path file, Path directory) {
      conversationsRead++;
      if (file == null) {
        conversationsElsewhere++;
        return;
      }
      long bytes = Files.isRegularFile(file) ? size(file) : 0;
      try {
        if (!file.normalize().startsWith(directory)) {
          throw new VaultException.InvalidInput(
              "its file '" + entry.fileRef() + "' lies outside the export's directory");
        }
        if (!Files.isRegularFile(file)) {
          throw new VaultException.InvalidInput("its file " + entry.fileRef() + " is missing");
        }
        ConversationFile read = ConversationFile.read(file, entry.fileRef());
        if (read instanceof ConversationFile.Own own) {
          vault.write(writes -> writeOwn(writes, own));
        } else {
          ConversationFile.Foreign foreign = (ConversationFile.Foreign) read;
          ConversationWriter writer =
              new ConversationWriter(vault, foreign.provider(), options.scope(), options.app());
          ConversationWriter.Outcome outcome = writer.write(foreign.conversation());
          count(outcome.state(), outcome.messagesAdded(), outcome.messagesAlreadyPresent());
        }
      } catch (VaultException.InvalidInput | VaultException.NotFound e) {
        failures.add(new PamImportReport.Failure(entry.number(), entry.id(), e.getMessage()));
      }
      progress(bytes);
    }

    private Void writeOwn(Writes writes, ConversationFile.Own own) {
      Memory conversation = own.conversation();
      boolean added = writes.restore(List.of(conversation));
      if (!added && isForgotten(writes, conversation.getId())) {
        count(ConversationWriter.State.FORGOTTEN, 0, 0);
        return null;
      }
      int newMessages = 0;
      for (Memory message : own.messages()) {
        if (writes.restore(List.of(message))) {
          newMessages++;
        }
      }
      ConversationWriter.State state =
          added
              ? ConversationWriter.State.ADDED
              : newMessages > 0
                  ? ConversationWriter.State.UPDATED
                  : ConversationWriter.State.UNCHANGED;
      count(state, newMessages, own.messages().size() - newMessages);
      return null;
    }

    private void count(ConversationWriter.State state, int added, int present) {
      switch (state) {
        case ADDED -> conversationsAdded++;
        case UPDATED -> conversationsUpdated++;
        case UNCHANGED -> conversationsUnchanged++;
        case FORGOTTEN -> conversationsForgotten++;
      }
      messagesAdded += added;
      messagesPresent += present;
    }

    PamImportReport report(int memoriesRead, PamImportReport.Signature signature) {
      return new PamImportReport(
          memoriesRead,
          memoriesAdded,
          memoriesPresent,
          memoriesForgotten,
          memoriesRetracted,
          relationsKept,
          conversationsRead,
          conversationsAdded,
          conversationsUpdated,
          conversationsUnchanged,
          conversationsForgotten,
          conversationsElsewhere,
          messagesAdded,
          messagesPresent,
          failures,
          signature);
    }
  }

  private static boolean isForgotten(Writes writes, String id) {
    try {
      writes.get(id);
      return false;
    } catch (VaultException.UnknownItem e) {
      return true;
    }
  }

  /** The memory counts of one import transaction. */
  private static final class Counts {
    int added;
    int present;
    int forgotten;
    int retracted;
    int relations;
  }
}
