package dev.memvault.sdk.portable.pam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.subtle.Ed25519Sign;
import dev.memvault.core.VaultException;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.PartType;
import dev.memvault.proto.v1.Role;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.NewMemory;
import dev.memvault.sdk.portable.provider.ImportOptions;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/**
 * Importing PAM exports that memvault did not write: a store and conversation written by hand from
 * the spec's rules and example layout (test resources {@code pam/hand-written}), and each kind of
 * malformed input, which is refused with one line and leaves the vault as it was.
 */
class PamImportTest {
  private static final char[] PASSPHRASE = "pam import passphrase".toCharArray();
  private static final ImportOptions OPTIONS = ImportOptions.defaults().withScope("imported");

  @TempDir Path dir;
  private Path export;
  private MemoryVault vault;

  @BeforeEach
  void copyExportAndCreateVault() throws IOException, URISyntaxException {
    Path resource = Path.of(getClass().getResource("/pam/hand-written/memory-store.json").toURI());
    export = dir.resolve("export");
    try (Stream<Path> files = Files.walk(resource.getParent())) {
      for (Path file : files.toList()) {
        Path copy = export.resolve(resource.getParent().relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(file, copy);
        }
      }
    }
    vault = MemoryVault.create(dir.resolve("vault"), PASSPHRASE).vault();
    vault.add(NewMemory.of("notes", Kind.NOTE, "already here"));
  }

  @AfterEach
  void closeVault() {
    vault.close();
  }

  @Test
  void importFrom_handWrittenExport_memoriesRelationsAndConversationKept() {
    PamImportReport report = new PamImporter(vault).importFrom(export, OPTIONS);

    assertEquals(
        new PamImportReport(
            5,
            4,
            0,
            0,
            1,
            1,
            1,
            1,
            0,
            0,
            0,
            0,
            3,
            0,
            List.of(),
            PamImportReport.Signature.UNSIGNED),
        report);
    Map<String, Memory> byPamId = byPamId();
    assertEquals(List.of("diet", "units", "race", "job"), List.copyOf(byPamId.keySet()));

    Memory diet = byPamId.get("diet");
    assertEquals(Kind.FACT, diet.getKind());
    assertEquals("imported", diet.getScope());
    assertEquals("Is vegetarian and allergic to peanuts.", diet.getText());
    assertEquals(List.of("health", "food"), diet.getTagsList());
    assertEquals("claude", diet.getSource().getProvider());
    assertEquals(
        "sha256:409b0f5cb484580b41b345f8583af408b4b354ddb94a618cf37a9fc5ab036477",
        diet.getSource().getExternalId());
    assertEquals(
        Instant.parse("2025-02-01T09:00:00Z").getEpochSecond(), diet.getCreatedAt().getSeconds());
    assertEquals(
        Instant.parse("2026-02-01T09:00:00Z").getEpochSecond(), diet.getUpdatedAt().getSeconds());
    Map<String, String> attributes = diet.getAttributesMap();
    assertEquals("fact", attributes.get("pam.type"));
    assertEquals("Vegetarian, peanut allergy", attributes.get("pam.summary"));
    assertEquals("0.95", attributes.get("pam.confidence"));
    assertEquals("trip-planning", attributes.get("pam.conversation_ref"));
    assertEquals("m1", attributes.get("pam.message_ref"));
    assertEquals("llm_inference", attributes.get("pam.extraction_method"));
    assertEquals("en", attributes.get("pam.language"));
    assertEquals("true", attributes.get("pam.metadata.reviewed_by_user"));

    Memory units = byPamId.get("units");
    assertEquals(Kind.PREFERENCE, units.getKind());
    assertEquals(
        "  Prefers  answers in METRIC units\n", units.getText(), "content kept as written");
    assertEquals("chatgpt", units.getSource().getProvider());

    Memory race = byPamId.get("race");
    assertEquals(Kind.NOTE, race.getKind());
    assertEquals("goal", race.getAttributesMap().get("pam.type"));
    assertEquals("2026-04-30T00:00:00Z", race.getAttributesMap().get("pam.valid_until"));
    assertEquals(1, race.getLinksCount());
    assertEquals(diet.getId(), race.getLinks(0).getTargetId());
    assertEquals("related-to", race.getLinks(0).getRelation());

    Memory job = byPamId.get("job");
    assertEquals(Kind.NOTE, job.getKind());
    assertEquals("occupation", job.getAttributesMap().get("pam.custom_type"));
    assertEquals("archived", job.getAttributesMap().get("pam.status"));

    Memory conversation =
        current(vault).values().stream()
            .filter(m -> m.getKind() == Kind.CONVERSATION)
            .findFirst()
            .orElseThrow();
    assertEquals("Planning the Lisbon trip", conversation.getConversation().getTitle());
    assertEquals("claude", conversation.getSource().getProvider());
    assertEquals("5c1d7e2a-0f3b-4d6c-9a8e-7b6c5d4e3f2a", conversation.getSource().getExternalId());
    List<Memory> messages = vault.messages(conversation.getId());
    assertEquals(
        List.of(Role.USER, Role.ASSISTANT, Role.USER),
        messages.stream().map(m -> m.getMessage().getRole()).toList());
    assertEquals(
        List.of(PartType.TEXT, PartType.CODE, PartType.CITATION),
        messages.get(1).getMessage().getPartsList().stream().map(p -> p.getType()).toList());
    assertEquals("yaml", messages.get(1).getMessage().getParts(1).getName());
    assertEquals("https://example.org/lisbon", messages.get(1).getMessage().getParts(2).getUrl());
    assertEquals("Thanks, and nothing with peanuts please.", messages.get(2).getText());
    assertEquals("", messages.get(0).getSource().getModel(), "a null model is no model");
    assertEquals("claude-sonnet-4", messages.get(1).getSource().getModel());
  }

  @Test
  void importFrom_sameExportTwice_secondAddsNothing() {
    new PamImporter(vault).importFrom(export, OPTIONS);
    Map<String, Memory> afterFirst = current(vault);

    PamImportReport second = new PamImporter(vault).importFrom(export, OPTIONS);

    assertEquals(
        new PamImportReport(
            5,
            0,
            4,
            0,
            1,
            0,
            1,
            0,
            0,
            1,
            0,
            0,
            0,
            3,
            List.of(),
            PamImportReport.Signature.UNSIGNED),
        second);
    assertEquals(afterFirst, current(vault));
  }

  @Test
  void importFrom_sameContentUnderAnotherIdAndSpacing_storedOnce() throws IOException {
    new PamImporter(vault).importFrom(export, OPTIONS);
    Map<String, Memory> afterFirst = current(vault);
    edit(
        store -> {
          ObjectNode units = (ObjectNode) store.get("memories").get(1);
          units.put("id", "another-id");
          units.put("content", "prefers answers in metric   UNITS");
          store.remove("integrity");
          store.remove("relations");
          return store;
        });

    PamImportReport report = new PamImporter(vault).importFrom(export, OPTIONS);

    assertEquals(0, report.memoriesAdded());
    assertEquals(4, report.memoriesAlreadyPresent());
    assertEquals(afterFirst, current(vault));
  }

  @Test
  void importFrom_memoryForgottenSince_notBroughtBack() {
    new PamImporter(vault).importFrom(export, OPTIONS);
    vault.forget(byPamId().get("diet").getId());

    PamImportReport report = new PamImporter(vault).importFrom(export, OPTIONS);

    assertEquals(1, report.memoriesForgotten());
    assertEquals(0, report.memoriesAdded());
    assertFalse(byPamId().containsKey("diet"));
  }

  @Test
  void importThenExport_handWrittenExport_typesAndStatusesGoOutAsTheyCameIn() throws Exception {
    new PamImporter(vault).importFrom(export, OPTIONS);
    Path again = dir.resolve("again");

    new PamExporter(vault).writeTo(again);

    assertEquals(List.of(), SpecRules.check(again));
    Map<String, ObjectNode> memories = new LinkedHashMap<>();
    for (var memory :
        PamFormat.MAPPER.readTree(again.resolve("memory-store.json").toFile()).get("memories")) {
      String pamId =
          memory.path("metadata").path("memvault").path("attributes").path("pam.id").asString("");
      memories.put(pamId, (ObjectNode) memory);
    }
    assertEquals("goal", memories.get("race").get("type").stringValue());
    assertEquals("custom", memories.get("job").get("type").stringValue());
    assertEquals("occupation", memories.get("job").get("custom_type").stringValue());
    assertEquals("archived", memories.get("job").get("status").stringValue());
    ObjectNode diet = memories.get("diet");
    assertEquals("Vegetarian, peanut allergy", diet.get("summary").stringValue());
    assertEquals("en", diet.get("metadata").get("language").stringValue());
    assertEquals("health", diet.get("metadata").get("domain").stringValue());
    assertEquals("llm_inference", diet.get("provenance").get("extraction_method").stringValue());
    assertEquals("hand-written/1.0.0", diet.get("provenance").get("extractor").stringValue());
    assertEquals(
        "2026-04-30T00:00:00Z",
        memories.get("race").get("temporal").get("valid_until").stringValue());
    assertEquals("imported", memories.get("units").get("metadata").get("domain").stringValue());
    assertEquals("note", memories.get("").get("custom_type").stringValue(), "memvault's own note");
  }

  @Test
  void importFrom_ed25519Signed_verified() throws Exception {
    sign(Ed25519Sign.KeyPair.newKeyPair());

    PamImportReport report = new PamImporter(vault).importFrom(export, OPTIONS);

    assertEquals(PamImportReport.Signature.VERIFIED, report.signature());
    assertEquals(4, report.memoriesAdded());
  }

  @Test
  void importFrom_signedThenExportIdChanged_refusedVaultUnchanged() throws Exception {
    sign(Ed25519Sign.KeyPair.newKeyPair());
    edit(store -> store.put("export_id", "another-export"));

    assertRefused("has a signature that does not verify");
  }

  @Test
  void importFrom_signedWithAnotherAlgorithm_importedNotChecked() throws Exception {
    sign(Ed25519Sign.KeyPair.newKeyPair());
    edit(
        store -> {
          ((ObjectNode) store.get("signature")).put("algorithm", "ES256");
          return store;
        });

    PamImportReport report = new PamImporter(vault).importFrom(export, OPTIONS);

    assertEquals(PamImportReport.Signature.NOT_CHECKED, report.signature());
  }

  /** Signs the export as PAM section 18.3 says, the key as did:key writes it. */
  private void sign(Ed25519Sign.KeyPair keys) throws Exception {
    ObjectNode store = (ObjectNode) PamFormat.MAPPER.readTree(store().toFile());
    byte[] payload =
        ("{\"checksum\":\""
                + store.get("integrity").get("checksum").stringValue()
                + "\",\"export_date\":\""
                + store.get("export_date").stringValue()
                + "\",\"export_id\":\""
                + store.get("export_id").stringValue()
                + "\",\"owner_id\":\""
                + store.get("owner").get("id").stringValue()
                + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    byte[] signature = new Ed25519Sign(keys.getPrivateKey()).sign(payload);
    byte[] multicodec = new byte[34];
    multicodec[0] = (byte) 0xed;
    multicodec[1] = 0x01;
    System.arraycopy(keys.getPublicKey(), 0, multicodec, 2, 32);
    ObjectNode block = store.putObject("signature");
    block.put("algorithm", "Ed25519");
    block.put("public_key", "z" + Base58.encode(multicodec));
    block.put("value", Base64.getUrlEncoder().withoutPadding().encodeToString(signature));
    block.put("signed_at", "2026-03-01T12:00:01Z");
    Files.writeString(store(), store.toPrettyString());
  }

  @Test
  void importFrom_emptyStore_refusedVaultUnchanged() throws IOException {
    Files.writeString(store(), "");

    assertRefused("is empty: it is not a PAM export");
  }

  @Test
  void importFrom_truncatedStore_refusedVaultUnchanged() throws IOException {
    String text = Files.readString(store());
    Files.writeString(store(), text.substring(0, text.length() / 2));

    assertRefused("ends in the middle of its JSON: it was cut short");
  }

  @Test
  void importFrom_notJson_refusedVaultUnchanged() throws IOException {
    Files.writeString(store(), "schema: portable-ai-memory");

    assertRefused("is not valid JSON at line 1");
  }

  @Test
  void importFrom_newerMajorVersion_refusedVaultUnchanged() throws IOException {
    edit(store -> store.put("schema_version", "2.0"));

    assertRefused("is PAM version 2.0, which this memvault cannot read (it reads version 1.x)");
  }

  @Test
  void importFrom_minorVersion_accepted() throws IOException {
    edit(store -> store.put("schema_version", "1.1"));

    assertEquals(4, new PamImporter(vault).importFrom(export, OPTIONS).memoriesAdded());
  }

  @Test
  void importFrom_otherSchema_refusedVaultUnchanged() throws IOException {
    edit(store -> store.put("schema", "something-else"));

    assertRefused("is not a PAM memory store: its \"schema\" is 'something-else'");
  }

  @Test
  void importFrom_conversationFileGiven_refusedNamingTheStore() {
    Path conversation = export.resolve("conversations/trip-planning.json");
    Map<String, Memory> before = current(vault);

    VaultException.InvalidInput refused =
        assertThrows(
            VaultException.InvalidInput.class,
            () -> new PamImporter(vault).importFrom(conversation, OPTIONS));

    assertTrue(refused.getMessage().contains("is a PAM conversation file, not a memory store"));
    assertEquals(before, current(vault));
  }

  @Test
  void importFrom_contentEditedAfterExport_refusedForHashMismatch() throws IOException {
    edit(
        store -> {
          ((ObjectNode) store.get("memories").get(0)).put("content", "Eats anything.");
          return store;
        });

    assertRefused(
        "memory 1 (id diet) has content_hash"
            + " sha256:409b0f5cb484580b41b345f8583af408b4b354ddb94a618cf37a9fc5ab036477, but its"
            + " content hashes to");
  }

  @Test
  void importFrom_memoryAlteredWithItsHash_refusedByTheIntegrityChecksum() throws IOException {
    edit(
        store -> {
          ObjectNode diet = (ObjectNode) store.get("memories").get(0);
          diet.put("content", "Eats anything.");
          diet.put("content_hash", ContentHash.of("Eats anything."));
          return store;
        });

    assertRefused("fails its integrity check: its memories hash to");
  }

  @Test
  void importFrom_memoryRemoved_refusedByTheIntegrityCount() throws IOException {
    edit(
        store -> {
          store.withArray("memories").remove(4);
          return store;
        });

    assertRefused("says it holds 5 memories but holds 4");
  }

  @Test
  void importFrom_customTypeMissing_refusedNamingTheMemory() throws IOException {
    edit(
        store -> {
          ((ObjectNode) store.get("memories").get(3)).putNull("custom_type");
          store.remove("integrity");
          return store;
        });

    assertRefused("memory 4 (id job) has type 'custom' but no \"custom_type\"");
  }

  @Test
  void importFrom_relationToUnknownMemory_refused() throws IOException {
    edit(
        store -> {
          ((ObjectNode) store.get("relations").get(0)).put("to", "nobody");
          return store;
        });

    assertRefused("relation 1 joins 'race' to 'nobody', but the file holds no memory");
  }

  @Test
  void importFrom_membersInReverseOrder_sameImport() throws IOException {
    edit(
        store -> {
          List<String> names = new ArrayList<>(store.propertyNames());
          ObjectNode reversed = PamFormat.MAPPER.createObjectNode();
          for (int i = names.size() - 1; i >= 0; i--) {
            reversed.set(names.get(i), store.get(names.get(i)));
          }
          return reversed;
        });

    PamImportReport report = new PamImporter(vault).importFrom(export, OPTIONS);

    assertEquals(4, report.memoriesAdded());
    assertEquals(1, report.memoriesRetracted());
    assertEquals(1, report.conversationsAdded());
  }

  @Test
  void importFrom_valueAfterTheStore_refusedVaultUnchanged() throws IOException {
    Files.writeString(store(), " {}", StandardOpenOption.APPEND);

    assertRefused("memory-store.json is not valid JSON: it goes on after its value ends");
  }

  @Test
  void forEachMemory_fileChangedSinceChecked_refusedAfterTheLastMemory() throws IOException {
    PamStore checked = PamStore.read(store(), "memory-store.json");
    Files.writeString(store(), "\n", StandardOpenOption.APPEND);
    List<String> read = new ArrayList<>();

    VaultException.InvalidInput refused =
        assertThrows(
            VaultException.InvalidInput.class,
            () -> checked.forEachMemory(memory -> read.add(memory.id())));

    assertEquals(List.of("diet", "units", "race", "job", "emoji"), read);
    assertEquals(
        "memory-store.json changed while it was being imported; nothing was imported",
        refused.getMessage());
  }

  @Test
  void importFrom_directoryWithoutStore_notFound() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));

    VaultException.NotFound missing =
        assertThrows(
            VaultException.NotFound.class, () -> new PamImporter(vault).importFrom(empty, OPTIONS));

    assertTrue(missing.getMessage().endsWith("holds no memory-store.json: it is not a PAM export"));
  }

  @Test
  void importFrom_brokenConversationDag_conversationListedMemoriesImported() throws IOException {
    Path file = export.resolve("conversations/trip-planning.json");
    Files.writeString(
        file,
        Files.readString(file)
            .replace(
                "\"parent_id\": null,\n      \"children_ids\": []\n    }\n  ]",
                "\"parent_id\": \"m9\",\n      \"children_ids\": []\n    }\n  ]"));

    PamImportReport report = new PamImporter(vault).importFrom(export, OPTIONS);

    assertEquals(4, report.memoriesAdded());
    assertEquals(1, report.failures().size());
    PamImportReport.Failure failure = report.failures().get(0);
    assertEquals("trip-planning", failure.conversationId());
    assertTrue(
        failure.reason().contains("message m3 names parent 'm9', which is not a message"),
        failure.reason());
    assertTrue(current(vault).values().stream().noneMatch(m -> m.getKind() == Kind.MESSAGE));
  }

  @Test
  void importFrom_conversationReferenceLeavingTheExport_listedNotRead() throws IOException {
    Files.writeString(dir.resolve("outside.json"), "{}");
    edit(
        store -> {
          ((ObjectNode) store.get("conversations_index").get(0).get("storage"))
              .put("ref", "../outside.json");
          return store;
        });

    PamImportReport report = new PamImporter(vault).importFrom(export, OPTIONS);

    assertEquals(1, report.failures().size());
    assertTrue(report.failures().get(0).reason().contains("lies outside the export's directory"));
  }

  @Test
  void importFrom_progress_reportedUpToTheWholeSize() {
    List<long[]> updates = new ArrayList<>();

    new PamImporter(vault)
        .importFrom(
            export, OPTIONS.withProgress((done, total) -> updates.add(new long[] {done, total})));

    assertFalse(updates.isEmpty());
    long[] last = updates.get(updates.size() - 1);
    assertEquals(last[1], last[0]);
    assertTrue(last[1] > 0);
  }

  private void assertRefused(String expected) {
    Map<String, Memory> before = current(vault);

    VaultException.InvalidInput refused =
        assertThrows(
            VaultException.InvalidInput.class,
            () -> new PamImporter(vault).importFrom(export, OPTIONS));

    assertTrue(refused.getMessage().contains(expected), refused.getMessage());
    assertFalse(refused.getMessage().contains("\n"), "one line: " + refused.getMessage());
    assertEquals(before, current(vault), "the vault is unchanged");
  }

  private Path store() {
    return export.resolve("memory-store.json");
  }

  private void edit(UnaryOperator<ObjectNode> change) throws IOException {
    ObjectNode store = (ObjectNode) PamFormat.MAPPER.readTree(store().toFile());
    Files.writeString(store(), change.apply(store).toPrettyString());
  }

  /** The vault's memories by the PAM id they were imported with, in the file's order. */
  private Map<String, Memory> byPamId() {
    Map<String, Memory> memories = new LinkedHashMap<>();
    for (String id : List.of("diet", "units", "race", "job", "emoji")) {
      current(vault).values().stream()
          .filter(m -> id.equals(m.getAttributesMap().get("pam.id")))
          .findFirst()
          .ifPresent(m -> memories.put(id, m));
    }
    return memories;
  }

  private static Map<String, Memory> current(MemoryVault vault) {
    Map<String, Memory> memories = new LinkedHashMap<>();
    vault
        .exportSource()
        .exportAll(
            revisions ->
                memories.put(revisions.get(0).getId(), revisions.get(revisions.size() - 1)));
    return memories;
  }
}
