package dev.memvault.core.internal.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memvault.core.testing.Drafts;
import dev.memvault.core.testing.RawVault;
import dev.memvault.core.vault.Vault;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Source;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** A vault with something of every kind in it, and ways to compare and inspect vault files. */
final class BackupFixture {
  static final String WORK = "work-zq";
  static final String HEALTH = "health-kx";
  static final String CHATS = "chats-vb";

  /** Every table of the schema, each read in one stable order. */
  private static final Map<String, String> TABLES = new LinkedHashMap<>();

  static {
    TABLES.put("vault_meta", "SELECT * FROM vault_meta ORDER BY name");
    TABLES.put("scopes", "SELECT * FROM scopes ORDER BY scope_id");
    TABLES.put("memories", "SELECT * FROM memories ORDER BY seq");
    TABLES.put("memory_revisions", "SELECT * FROM memory_revisions ORDER BY id, revision");
    TABLES.put("memory_tags", "SELECT * FROM memory_tags ORDER BY tag, seq");
    // The index is contentless: only its rows can be read back. A restore does not copy it but
    // fills it again from the envelopes, and must end up with the same rows.
    TABLES.put("memory_fts", "SELECT rowid FROM memory_fts ORDER BY rowid");
    TABLES.put("user_version", "PRAGMA user_version");
  }

  private BackupFixture() {}

  /** What {@link #fill} wrote: ids to check after a restore, and every plaintext it used. */
  record Contents(
      String revised,
      List<Memory> revisedHistory,
      String forgotten,
      String forgottenImportExternalId,
      String conversation,
      List<String> messages,
      String forgottenConversation,
      List<String> plaintexts) {}

  /**
   * Fills a vault: notes in three scopes with tags, a memory with three revisions, a forgotten one,
   * a conversation with messages and a forgotten one, a forgotten import (its provider id stays on
   * the tombstone), a rotated scope key with memories under both keys, and enough text to span many
   * 4 KiB segments.
   */
  /**
   * Letters in no pattern, so that the text stays long after records are deflated (a repeated word
   * would compress to almost nothing).
   */
  private static String filler(int seed, int length) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    StringBuilder text = new StringBuilder(length);
    while (text.length() < length) {
      text.append(random.nextInt(8) == 0 ? ' ' : (char) ('a' + random.nextInt(26)));
    }
    return text.toString();
  }

  static Contents fill(Vault vault) {
    List<String> plaintexts = new ArrayList<>(List.of(WORK, HEALTH, CHATS));
    for (int i = 0; i < 24; i++) {
      String scope = i % 3 == 0 ? HEALTH : WORK;
      String text =
          "Quillwort note "
              + i
              + " about the harbour crane and marmalade recipe number "
              + (i * 37)
              + ", kept long enough to fill segments: "
              + filler(i, 320);
      String tag = "tagalpha" + (i % 4);
      vault.add(Drafts.note(scope, text, tag));
      plaintexts.add("Quillwort note " + i);
      plaintexts.add(tag);
    }
    String revised = vault.add(Drafts.note(WORK, "Zanzibar first draft", "tagdraft")).getId();
    vault.update(revised, b -> b.setText("Zanzibar second draft"));
    vault.update(revised, b -> b.setText("Zanzibar final wording").clearTags().addTags("tagfinal"));
    plaintexts.addAll(List.of("Zanzibar", "tagdraft", "tagfinal"));

    String forgotten =
        vault.add(Drafts.note(HEALTH, "Penicillinallergy secret", "tagmedic")).getId();
    vault.update(forgotten, b -> b.setText("Penicillinallergy and amoxicillin"));
    vault.forget(forgotten);
    plaintexts.addAll(List.of("Penicillinallergy", "tagmedic"));

    Memory imported =
        Drafts.note(WORK, "Imported gooseberry fact").toBuilder()
            .setSource(Source.newBuilder().setProvider("chatgpt").setExternalId("extid-plover-7"))
            .build();
    String importedId = vault.add(imported).getId();
    vault.forget(importedId);
    plaintexts.addAll(List.of("gooseberry", "extid-plover-7"));

    String conversation = vault.add(Drafts.conversation(CHATS, "Trip to Reykjavikfjord")).getId();
    List<String> messages = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      messages.add(
          vault.add(Drafts.message(CHATS, conversation, i, "Glacierhike message " + i)).getId());
    }
    String gone = vault.add(Drafts.conversation(CHATS, "Forgottenchat about Wombatville")).getId();
    vault.add(Drafts.message(CHATS, gone, 0, "Wombatville detail"));
    vault.forget(gone);
    plaintexts.addAll(List.of("Reykjavikfjord", "Glacierhike", "Wombatville"));

    vault.rotateScopeKey(WORK);
    vault.add(Drafts.of(WORK, Kind.PREFERENCE, "Rotatedkey preference", "tagrotated"));
    plaintexts.addAll(List.of("Rotatedkey", "tagrotated"));

    return new Contents(
        revised,
        vault.history(revised),
        forgotten,
        "extid-plover-7",
        conversation,
        messages,
        gone,
        plaintexts);
  }

  /** Every row of every table of a closed (or idle) vault, as text, blobs in hex. */
  static Map<String, List<String>> dump(Path vaultDir, String recoveryKey) throws Exception {
    Map<String, List<String>> tables = new LinkedHashMap<>();
    try (RawVault raw = RawVault.open(vaultDir, recoveryKey)) {
      Connection db = raw.connection();
      for (Map.Entry<String, String> table : TABLES.entrySet()) {
        tables.put(table.getKey(), rows(db, table.getValue()));
      }
    }
    return tables;
  }

  private static List<String> rows(Connection db, String sql) throws Exception {
    List<String> rows = new ArrayList<>();
    try (PreparedStatement query = db.prepareStatement(sql);
        ResultSet result = query.executeQuery()) {
      ResultSetMetaData columns = result.getMetaData();
      while (result.next()) {
        StringBuilder row = new StringBuilder();
        for (int c = 1; c <= columns.getColumnCount(); c++) {
          Object value = result.getObject(c);
          row.append(columns.getColumnName(c)).append('=');
          row.append(value instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : value);
          row.append(value == null ? "" : " (" + value.getClass().getSimpleName() + ")");
          row.append("; ");
        }
        rows.add(row.toString());
      }
    }
    return rows;
  }

  static void assertSameTables(
      Map<String, List<String>> expected, Map<String, List<String>> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    for (String table : expected.keySet()) {
      assertEquals(expected.get(table), actual.get(table), "table " + table);
    }
  }

  /** The names of the files in a directory; empty if it does not exist. */
  static List<String> files(Path dir) {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where {@code needle} occurs in {@code haystack}, or -1. */
  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
