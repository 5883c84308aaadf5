package dev.memvault.sdk.meaning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.meaning.MeaningUnavailable;
import dev.memvault.core.meaning.MeaningUse;
import dev.memvault.core.vault.SearchReport;
import dev.memvault.core.vault.SearchResult;
import dev.memvault.core.vault.Selection;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.NewMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Search by meaning with the bundled model on a real vault: what a query that shares no word with
 * its memory finds before and after indexing, and how vectors follow edits, forgetting, scopes, a
 * stopped run and a model that cannot load.
 */
class SearchByMeaningTest {
  private static final char[] PASSPHRASE = "correct horse battery".toCharArray();

  @TempDir Path dir;

  private MemoryVault newVault(String name) {
    return MemoryVault.create(dir.resolve(name), PASSPHRASE).vault();
  }

  private static List<String> ids(List<SearchResult> results) {
    return results.stream().map(r -> r.memory().getId()).toList();
  }

  private static Memory addFacts(MemoryVault vault) {
    vault.add(NewMemory.of("home", Kind.FACT, "We adopted a beagle called Biscuit last spring."));
    vault.add(NewMemory.of("home", Kind.NOTE, "The boiler service is due every October."));
    vault.add(NewMemory.of("work", Kind.PREFERENCE, "I write Python with type hints and ruff."));
    return vault.add(NewMemory.of("home", Kind.FACT, "Penicillin gives me hives."));
  }

  @Test
  void search_queryWithNoWordOfItsMemory_findsItOnlyOnceIndexed() {
    try (MemoryVault vault = newVault("v")) {
      Memory penicillin = addFacts(vault);

      SearchReport before = vault.searchReport("drug allergy", Selection.all());
      assertEquals(MeaningUse.State.NOT_INDEXED, before.meaning().state());
      assertTrue(before.results().isEmpty(), "no memory holds 'drug' or 'allergy'");

      long indexed = vault.indexMeaning((done, total) -> {});
      assertEquals(4, indexed);
      SearchReport after = vault.searchReport("drug allergy", Selection.all());
      assertEquals(MeaningUse.State.USED, after.meaning().state());
      assertEquals(penicillin.getId(), after.results().get(0).memory().getId());
      assertEquals(4, vault.meaningIndexStatus().indexed());
      assertEquals(0, vault.meaningIndexStatus().pending());
    }
  }

  @Test
  void search_wordMatchesAndMeaning_wordMatchStaysFirst() {
    try (MemoryVault vault = newVault("v")) {
      addFacts(vault);
      Memory boiler = vault.add(NewMemory.of("home", Kind.NOTE, "Call the boiler engineer."));
      vault.indexMeaning((done, total) -> {});

      List<SearchResult> results = vault.search("boiler engineer", Selection.all());

      assertEquals(boiler.getId(), results.get(0).memory().getId());
      assertTrue(results.get(0).snippet().contains("[boiler]"), results.get(0).snippet());
    }
  }

  @Test
  void search_memoryAddedAfterIndexing_reportedPartlyIndexedAndFoundByWords() {
    try (MemoryVault vault = newVault("v")) {
      addFacts(vault);
      vault.indexMeaning((done, total) -> {});
      Memory later = vault.add(NewMemory.of("home", Kind.NOTE, "Renew the passport in May."));

      SearchReport report = vault.searchReport("passport", Selection.all());

      assertEquals(MeaningUse.State.USED_PARTLY, report.meaning().state());
      assertEquals(later.getId(), report.results().get(0).memory().getId());
      assertEquals(1, vault.meaningIndexStatus().pending());
    }
  }

  @Test
  void search_afterUpdateAndForget_oldMeaningNoLongerFindsThem() {
    try (MemoryVault vault = newVault("v")) {
      Memory penicillin = addFacts(vault);
      Memory dog =
          vault.list(Selection.all()).stream()
              .filter(m -> m.getText().contains("beagle"))
              .findFirst()
              .orElseThrow();
      vault.indexMeaning((done, total) -> {});
      assertTrue(ids(vault.search("my pet puppy", Selection.all())).contains(dog.getId()));

      vault.update(dog.getId(), "The garage door code is 4411.");
      vault.forget(penicillin.getId());

      assertFalse(ids(vault.search("my pet puppy", Selection.all())).contains(dog.getId()));
      assertFalse(ids(vault.search("drug allergy", Selection.all())).contains(penicillin.getId()));
      assertEquals(2, vault.meaningIndexStatus().indexed(), "the two vectors were deleted");
      assertEquals(1, vault.meaningIndexStatus().pending(), "the updated memory needs a new one");
      vault.indexMeaning((done, total) -> {});
      assertEquals(
          dog.getId(),
          vault.search("entry PIN for the car shed", Selection.all()).get(0).memory().getId());
    }
  }

  @Test
  void search_inOneScope_neverReturnsAnotherScopesMemory() {
    try (MemoryVault vault = newVault("v")) {
      addFacts(vault);
      vault.indexMeaning((done, total) -> {});

      List<SearchResult> results = vault.search("drug allergy", Selection.all().inScope("work"));

      assertTrue(
          results.stream().allMatch(r -> r.memory().getScope().equals("work")), "" + results);
    }
  }

  @Test
  void indexMeaning_stoppedAfterOneBatch_nextRunIndexesTheRestOnly() {
    try (MemoryVault vault = newVault("v")) {
      List<NewMemory> many = new ArrayList<>();
      for (int i = 0; i < 70; i++) {
        many.add(NewMemory.of("home", Kind.NOTE, "Note number " + i + " about the garden shed."));
      }
      vault.addAll(many);
      List<Long> seen = new ArrayList<>();

      long first =
          vault.indexMeaning(
              (done, total) -> {
                seen.add(total);
                Thread.currentThread().interrupt();
              });
      Thread.interrupted(); // clears the stop for the second run
      long second = vault.indexMeaning((done, total) -> {});

      assertEquals(List.of(70L), seen);
      assertTrue(first > 0 && first < 70, "stopped after its first batch: " + first);
      assertEquals(70, first + second);
      assertEquals(0, vault.meaningIndexStatus().pending());
    }
  }

  @Test
  void embed_modelDirectoryWithoutModel_saysHowToRepair() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("no-model"));
    LocalEmbedder missing = LocalEmbedder.fromDirectory(empty);

    MeaningUnavailable refused =
        assertThrows(MeaningUnavailable.class, () -> missing.embed(List.of("anything")));

    assertTrue(refused.getMessage().contains("could not be loaded"), refused.getMessage());
    assertTrue(refused.getMessage().contains("run `memvault index`"), refused.getMessage());
    assertThrows(MeaningUnavailable.class, () -> missing.embed(List.of("again")));
  }

  @Test
  void search_withDamagedModel_saysWhyAndStillFindsByWords() throws Exception {
    Path model = Files.createDirectories(dir.resolve("model"));
    Files.write(model.resolve("model.onnx"), new byte[] {1, 2, 3, 4});
    Files.writeString(model.resolve("tokenizer.json"), "{");
    try (MemoryVault vault = newVault("v")) {
      addFacts(vault);
      vault.useEmbedder(
          LocalEmbedder.fromEnvironment(Map.of(LocalEmbedder.MODEL_VARIABLE, "" + model)));

      MeaningUnavailable refused =
          assertThrows(MeaningUnavailable.class, () -> vault.indexMeaning((d, t) -> {}));
      assertTrue(refused.getMessage().contains("could not be loaded"), refused.getMessage());

      vault.useEmbedder(LocalEmbedder.bundled());
      vault.indexMeaning((d, t) -> {});
      vault.useEmbedder(
          LocalEmbedder.fromEnvironment(Map.of(LocalEmbedder.MODEL_VARIABLE, "" + model)));
      SearchReport report = vault.searchReport("penicillin", Selection.all());
      assertEquals(
          MeaningUse.State.NOT_INDEXED,
          report.meaning().state(),
          "the damaged model's id differs from the bundled one, so its vectors do not count");
      assertEquals(1, report.results().size());
    }
  }
}
