package dev.memvault.core.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.UnknownFieldSet;
import dev.memvault.core.VaultException;
import dev.memvault.core.testing.Drafts;
import dev.memvault.core.testing.MutableClock;
import dev.memvault.core.testing.RawVault;
import dev.memvault.core.testing.Seeds;
import dev.memvault.proto.v1.Embedding;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Link;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Source;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Memories survive add, get, list, search, update, forget and a close and reopen unchanged. */
class VaultRoundTripTest {
  private static final char[] PASSPHRASE = "round trip passphrase".toCharArray();
  private static final Instant START = Instant.parse("2025-01-10T08:00:00Z");

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(START);

  private CreatedVault create() {
    return Vault.create(dir, PASSPHRASE, clock, new SecureRandom());
  }

  private Vault reopen() {
    return Vault.open(dir, PASSPHRASE, clock, new SecureRandom());
  }

  private static Memory everyField() {
    return Memory.newBuilder()
        .setScope("work")
        .setKind(Kind.INSTRUCTION)
        .setText("Always answer in British English; quote sources. ✓ naïve Ωmega 😀")
        .addTags("style")
        .addTags("écriture")
        .putAttributes("priority", "high")
        .putAttributes("Priority", "case-sensitive key")
        .setSource(
            Source.newBuilder()
                .setProvider("claude")
                .setModel("m-1")
                .setApp("memvault-cli")
                .setExternalId("ext-9"))
        .addEmbeddings(
            Embedding.newBuilder()
                .setModel("e5")
                .setDimension(3)
                .addValues(0.25f)
                .addValues(-1.5f)
                .addValues(3e-7f))
        .addLinks(
            Link.newBuilder()
                .setTargetId("0190f3a2-0000-7000-8000-000000000001")
                .setRelation("about"))
        // A field from a newer format version: kept as an unknown field and written back.
        .setUnknownFields(
            UnknownFieldSet.newBuilder()
                .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(42).build())
                .build())
        .build();
  }

  @Test
  void add_everyField_getListSearchReturnSameMemoryAlsoAfterReopen() {
    Memory added;
    try (Vault vault = create().vault()) {
      added = vault.add(everyField());

      Uuid7.parse(added.getId());
      assertEquals('7', added.getId().charAt(14), "UUID version 7");
      assertEquals(1, added.getRevision());
      assertEquals(Timestamps.of(START), added.getCreatedAt());
      assertEquals(added.getCreatedAt(), added.getUpdatedAt());
      assertEquals(
          everyField(),
          // hlc: the sync clock stamps every new revision (docs/FORMAT.md, section 14.1).
          added.toBuilder()
              .clearId()
              .clearRevision()
              .clearCreatedAt()
              .clearUpdatedAt()
              .clearHlc()
              .build());
      assertEquals(42L, added.getUnknownFields().getField(99).getVarintList().get(0));

      assertEquals(added, vault.get(added.getId()));
      assertEquals(List.of(added), vault.list(Selection.all()));
      assertEquals(added, vault.search("british sources", Selection.all()).get(0).memory());
      assertEquals(
          added, vault.search("écriture", Selection.all().taggedWith("écriture")).get(0).memory());
    }
    try (Vault vault = reopen()) {
      assertEquals(added, vault.get(added.getId()));
      assertEquals(added, vault.get(added.getId().toUpperCase()));
      assertEquals(List.of(added), vault.list(Selection.all()));
      assertEquals(added, vault.search("naive", Selection.all()).get(0).memory());
    }
  }

  @Test
  void update_severalTimes_historyKeepsEveryRevisionOldestFirst() {
    String id;
    List<Memory> expected = new ArrayList<>();
    try (Vault vault = create().vault()) {
      Memory first = vault.add(Drafts.note("home", "boiler service in March", "house"));
      id = first.getId();
      expected.add(first);
      clock.advance(Duration.ofHours(1));
      expected.add(vault.update(id, b -> b.setText("boiler service moved to April")));
      clock.advance(Duration.ofHours(1));
      expected.add(
          vault.update(
              id,
              b ->
                  b.setText("boiler service done")
                      .clearTags()
                      .addTags("done")
                      // Identity fields cannot change through update.
                      .setScope("work")
                      .setKind(Kind.FACT)
                      .setId(UUID.randomUUID().toString())
                      .setCreatedAt(Timestamps.of(Instant.EPOCH))));

      Memory current = expected.get(2);
      assertEquals(3, current.getRevision());
      assertEquals(id, current.getId());
      assertEquals("home", current.getScope());
      assertEquals(Kind.NOTE, current.getKind());
      assertEquals(first.getCreatedAt(), current.getCreatedAt());
      assertEquals(Timestamps.of(START.plus(Duration.ofHours(2))), current.getUpdatedAt());
      assertEquals(expected, vault.history(id));
      assertEquals(current, vault.get(id));
      // The search index follows the current revision only.
      assertEquals(List.of(), vault.search("march", Selection.all()));
      assertEquals(List.of(), vault.search("house", Selection.all()));
      assertEquals(1, vault.search("done", Selection.all().taggedWith("done")).size());
      assertEquals(List.of(), vault.list(Selection.all().taggedWith("house")));
    }
    try (Vault vault = reopen()) {
      assertEquals(expected, vault.history(id));
      assertEquals(
          List.of(1L, 2L, 3L), vault.history(id).stream().map(Memory::getRevision).toList());
    }
  }

  @Test
  void forget_memory_goneFromGetListSearchAndEarlierRevisionsPurged() throws Exception {
    CreatedVault created = create();
    String forgotten;
    String kept;
    try (Vault vault = created.vault()) {
      forgotten = vault.add(Drafts.note("health", "allergic to penicillin", "medical")).getId();
      vault.update(forgotten, b -> b.setText("allergic to penicillin and amoxicillin"));
      kept = vault.add(Drafts.note("health", "penicillin test scheduled")).getId();

      vault.forget(forgotten);

      VaultException.UnknownItem e =
          assertThrows(VaultException.UnknownItem.class, () -> vault.get(forgotten));
      assertTrue(e.getMessage().contains("was forgotten"), e.getMessage());
      assertThrows(VaultException.UnknownItem.class, () -> vault.history(forgotten));
      assertThrows(
          VaultException.UnknownItem.class, () -> vault.update(forgotten, b -> b.setText("x")));
      assertThrows(VaultException.UnknownItem.class, () -> vault.forget(forgotten));
      assertEquals(List.of(kept), vault.list(Selection.all()).stream().map(Memory::getId).toList());
      assertEquals(
          List.of(kept),
          vault.search("penicillin", Selection.all()).stream()
              .map(r -> r.memory().getId())
              .toList());
      assertEquals(List.of(), vault.search("amoxicillin", Selection.all()));
      assertEquals(List.of(), vault.list(Selection.all().taggedWith("medical")));
      assertEquals(1, vault.scopes().get(0).memories());
      // A forgotten id cannot be reused for a new memory.
      assertThrows(
          VaultException.InvalidInput.class,
          () -> vault.add(Drafts.note("health", "again").toBuilder().setId(forgotten).build()));
    }
    try (Vault vault = reopen()) {
      assertThrows(VaultException.UnknownItem.class, () -> vault.get(forgotten));
      assertEquals(1, vault.list(Selection.all()).size());
    }
    try (RawVault raw = RawVault.open(dir, created.recoveryKey())) {
      assertEquals(List.of(), raw.storedEarlierRevisions(forgotten));
      Memory tombstone = raw.decryptCurrent(forgotten, "health");
      assertTrue(tombstone.getDeleted());
      assertEquals(3, tombstone.getRevision());
      assertEquals("", tombstone.getText());
      assertEquals(0, tombstone.getTagsCount());
      assertEquals(List.of(), raw.storedEarlierRevisions(kept));
    }
  }

  @Test
  void scopes_countsPerScopeSortedByName() {
    try (Vault vault = create().vault()) {
      assertEquals(List.of(), vault.scopes());
      List<String> work = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        work.add(vault.add(Drafts.note("work", "work item " + i)).getId());
      }
      vault.add(Drafts.note("home", "home item"));
      vault.add(Drafts.note("a-first", "sorted first"));
      vault.forget(work.get(0));
      vault.update(work.get(1), b -> b.setText("edited"));

      assertEquals(
          List.of(
              new ScopeSummary("a-first", 1, 1),
              new ScopeSummary("home", 1, 1),
              new ScopeSummary("work", 2, 1)),
          vault.scopes());
      assertEquals(2, vault.list(Selection.all().inScope("work")).size());
    }
    try (Vault vault = reopen()) {
      assertEquals(
          List.of("a-first", "home", "work"),
          vault.scopes().stream().map(ScopeSummary::name).toList());
      assertEquals(
          List.of(1L, 1L, 2L), vault.scopes().stream().map(ScopeSummary::memories).toList());
    }
  }

  /**
   * addAll writes the search index of a batch before its rows (SealAhead): a duplicate id found by
   * the row insert late in a batch must take the batch's index writes with it.
   */
  @Test
  void addAll_duplicateIdLateInABigBatch_nothingAddedAndNothingFound() {
    try (Vault vault = create().vault()) {
      Memory existing = vault.add(Drafts.note("work", "existing quartz"));
      List<Memory> batch = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        batch.add(Drafts.note("work", "batched topaz " + i));
      }
      batch.set(150, batch.get(150).toBuilder().setId(existing.getId()).build());

      VaultException.InvalidInput refused =
          assertThrows(VaultException.InvalidInput.class, () -> vault.addAll(batch));

      assertTrue(refused.getMessage().contains(existing.getId() + " exists"), refused.getMessage());
      assertEquals(List.of(existing), vault.list(Selection.all()));
      assertEquals(List.of(), vault.search("topaz", Selection.all()));
      // The seqs the failed batch had taken are given out again, to the right memories.
      batch.set(150, Drafts.note("work", "batched topaz 150"));
      List<Memory> added = vault.addAll(batch);
      // A phrase: the words "topaz" and "150" apart would rank the other topaz memories after it.
      List<SearchResult> found = vault.search("\"topaz 150\"", Selection.all());
      assertEquals(1, found.size());
      assertEquals(added.get(150), found.get(0).memory());
      assertEquals(201, vault.list(Selection.all().limitedTo(1_000)).size());
    }
  }

  @Test
  void addAll_oneInvalidDraft_nothingAddedAndNoScopeCreated() {
    try (Vault vault = create().vault()) {
      vault.add(Drafts.note("work", "existing"));
      List<Memory> batch =
          List.of(
              Drafts.note("brand-new-scope", "valid one"),
              Drafts.note("work", "valid two"),
              Drafts.note("work", ""));

      assertThrows(VaultException.InvalidInput.class, () -> vault.addAll(batch));

      assertEquals(1, vault.list(Selection.all()).size());
      assertEquals(List.of("work"), vault.scopes().stream().map(ScopeSummary::name).toList());
      assertThrows(
          VaultException.UnknownItem.class,
          () -> vault.list(Selection.all().inScope("brand-new-scope")));
      assertEquals(List.of(), vault.search("valid", Selection.all()));
      // The scope rolled back with the batch can be created afresh and used.
      Memory later = vault.add(Drafts.note("brand-new-scope", "now it exists"));
      assertEquals(later, vault.get(later.getId()));
    }
    try (Vault vault = reopen()) {
      assertEquals(2, vault.list(Selection.all()).size());
      assertEquals(
          List.of("brand-new-scope", "work"),
          vault.scopes().stream().map(ScopeSummary::name).toList());
    }
  }

  @Test
  void add_explicitIdAndTimes_keptCanonicalAndDuplicateRefused() {
    try (Vault vault = create().vault()) {
      String id = "0190F3A2-1234-7ABC-8DEF-0123456789AB";
      Instant created = Instant.parse("2020-02-02T02:02:02.5Z");
      Memory added =
          vault.add(
              Drafts.note("import", "imported from elsewhere").toBuilder()
                  .setId(id)
                  .setCreatedAt(Timestamps.of(created))
                  .build());

      assertEquals(id.toLowerCase(), added.getId());
      assertEquals(Timestamps.of(created), added.getCreatedAt());
      assertEquals(Timestamps.of(created), added.getUpdatedAt());
      assertEquals(added, vault.get(id));
      VaultException.InvalidInput e =
          assertThrows(
              VaultException.InvalidInput.class,
              () ->
                  vault.add(
                      Drafts.note("import", "dup").toBuilder().setId(id.toLowerCase()).build()));
      assertTrue(e.getMessage().contains("exists"), e.getMessage());
    }
  }

  /**
   * Random adds, updates and forgets against a plain map as the model; the vault must agree with
   * the model after every step's batch, and again after reopening.
   */
  @Test
  void randomOperations_vaultAgreesWithModel_alsoAfterReopen() {
    long seed = Seeds.seed("randomOperations_vaultAgreesWithModel_alsoAfterReopen");
    SplittableRandom random = new SplittableRandom(seed);
    String[] scopes = {"work", "home", "health"};
    String[] words = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"};
    Map<String, List<Memory>> model = new LinkedHashMap<>();
    try (Vault vault = create().vault()) {
      for (int step = 0; step < 150; step++) {
        clock.advance(Duration.ofSeconds(1 + random.nextInt(100)));
        List<String> live = new ArrayList<>(model.keySet());
        int op = live.isEmpty() ? 0 : random.nextInt(10);
        if (op < 5) {
          StringBuilder text = new StringBuilder();
          for (int w = 0; w <= random.nextInt(6); w++) {
            text.append(words[random.nextInt(words.length)]).append(' ');
          }
          text.append("step").append(step);
          Memory added =
              vault.add(Drafts.note(scopes[random.nextInt(scopes.length)], text.toString()));
          model.put(added.getId(), new ArrayList<>(List.of(added)));
        } else if (op < 8) {
          String id = live.get(random.nextInt(live.size()));
          String text = words[random.nextInt(words.length)] + " updated at step" + step;
          model.get(id).add(vault.update(id, b -> b.setText(text)));
        } else {
          String id = live.get(random.nextInt(live.size()));
          vault.forget(id);
          model.remove(id);
        }
      }
      assertAgrees(vault, model, seed);
    }
    try (Vault vault = reopen()) {
      assertAgrees(vault, model, seed);
    }
  }

  private static void assertAgrees(Vault vault, Map<String, List<Memory>> model, long seed) {
    String context = Seeds.context(seed);
    for (Map.Entry<String, List<Memory>> entry : model.entrySet()) {
      List<Memory> revisions = entry.getValue();
      assertEquals(revisions.get(revisions.size() - 1), vault.get(entry.getKey()), context);
      assertEquals(revisions, vault.history(entry.getKey()), context);
      String step = "step" + stepOf(revisions.get(revisions.size() - 1));
      assertEquals(
          List.of(entry.getKey()),
          vault.search(step, Selection.all()).stream().map(r -> r.memory().getId()).toList(),
          step + context);
    }
    List<Memory> listed = vault.list(Selection.all().limitedTo(Selection.MAX_LIMIT));
    assertEquals(model.size(), listed.size(), context);
    for (Memory memory : listed) {
      List<Memory> revisions = model.get(memory.getId());
      assertEquals(revisions.get(revisions.size() - 1), memory, context);
    }
    for (int i = 1; i < listed.size(); i++) {
      assertTrue(
          Timestamps.millis(listed.get(i - 1).getUpdatedAt())
              >= Timestamps.millis(listed.get(i).getUpdatedAt()),
          "list is newest update first" + context);
    }
    Map<String, Long> perScope = new TreeMap<>();
    for (List<Memory> revisions : model.values()) {
      perScope.merge(revisions.get(0).getScope(), 1L, Long::sum);
    }
    for (ScopeSummary scope : vault.scopes()) {
      assertEquals(
          perScope.getOrDefault(scope.name(), 0L), scope.memories(), scope.name() + context);
    }
  }

  private static String stepOf(Memory memory) {
    String text = memory.getText();
    return text.substring(text.lastIndexOf("step") + 4);
  }

  @Test
  void add_sameDraftTwice_distinctIds() {
    try (Vault vault = create().vault()) {
      String id = vault.add(Drafts.note("work", "x")).getId();
      assertNotEquals(id, vault.add(Drafts.note("work", "x")).getId());
      assertFalse(vault.vaultIdHex().equals(vault.deviceIdHex()));
      assertEquals(32, vault.vaultIdHex().length());
    }
  }
}
