package dev.memvault.core.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.memvault.core.meaning.MeaningIndexProgress;
import dev.memvault.core.meaning.TextEmbedder;
import dev.memvault.core.testing.Drafts;
import dev.memvault.core.testing.VaultDirs;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an attacker with the vault files but no key sees: no SQLite header, none of the text, tags,
 * scope names or ids, and bytes indistinguishable from random by their distribution.
 */
class VaultAtRestTest {
  private static final String PASSPHRASE = "at rest: tangerine-gazebo-81";
  private static final int MEMORIES = 200;

  private static final String VECTOR_WORD = "pangolinvector";

  @TempDir static Path dir;
  private static final List<String> secrets = new ArrayList<>();

  /** The files as they were while the vault was open, right after the last write (WAL present). */
  private static Map<String, byte[]> whileOpen;

  /** The files after close. */
  private static Map<String, byte[]> afterClose;

  @BeforeAll
  static void fillVault() {
    CreatedVault created = Vault.create(dir, PASSPHRASE.toCharArray());
    secrets.add(PASSPHRASE);
    secrets.add(created.recoveryKey());
    secrets.add(created.recoveryKey().replace("-", ""));
    try (Vault vault = created.vault()) {
      List<Memory> drafts = new ArrayList<>();
      for (int i = 0; i < MEMORIES; i++) {
        String scope = "scope-marmalade" + (i % 5);
        String text =
            "Zanzibar ferry "
                + i
                + " quokka passport number XJ"
                + (40_000 + i)
                + " at the lighthouse";
        String tag = "tag-wombat" + (i % 7);
        drafts.add(Drafts.of(scope, Kind.values()[1 + i % 4], text, tag));
        secrets.add(scope);
        secrets.add(text);
        secrets.add("XJ" + (40_000 + i));
        secrets.add(tag);
      }
      for (Memory added : vault.addAll(drafts.subList(0, 100))) {
        secrets.add(added.getId());
      }
      for (Memory draft : drafts.subList(100, MEMORIES)) {
        secrets.add(vault.add(draft).getId());
      }
      Memory conversation = vault.add(Drafts.conversation("chats", "Conversation title xylophone"));
      secrets.add("xylophone");
      secrets.add(conversation.getId());
      vault.add(Drafts.message("chats", conversation.getId(), 0, "message body trombone"));
      secrets.add("trombone");
      String updated =
          vault.add(Drafts.note("scope-marmalade0", "first revision saxophone")).getId();
      vault.update(updated, b -> b.setText("second revision clarinet"));
      secrets.add("saxophone");
      secrets.add("clarinet");
      // Vectors for search by meaning whose stored bytes spell a word: the largest component is
      // 127, so the stored bytes are the components themselves.
      vault.useEmbedder(new SpellingEmbedder(VECTOR_WORD));
      assertTrue(vault.indexMeaning(MeaningIndexProgress.NONE) > MEMORIES, "vectors stored");
      secrets.add(VECTOR_WORD);
      whileOpen = VaultDirs.snapshot(dir);
    }
    afterClose = VaultDirs.snapshot(dir);
  }

  @Test
  void files_afterClose_onlyHeaderAndDatabase() {
    assertEquals(
        List.of(Vault.DATABASE_FILE, VaultHeaderFile.FILE_NAME),
        new ArrayList<>(afterClose.keySet()));
    assertTrue(whileOpen.containsKey(Vault.DATABASE_FILE + "-wal"), whileOpen.keySet().toString());
  }

  @Test
  void database_noSqliteHeader() {
    byte[] db = afterClose.get(Vault.DATABASE_FILE);
    byte[] sqliteMagic = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    assertFalse(Arrays.equals(sqliteMagic, Arrays.copyOf(db, sqliteMagic.length)));
    assertFalse(
        Arrays.equals(
            sqliteMagic, Arrays.copyOf(whileOpen.get(Vault.DATABASE_FILE), sqliteMagic.length)));
  }

  @Test
  void everyFile_openOrClosed_containsNoPlaintext() {
    assertTrue(secrets.size() > MEMORIES * 5, secrets.size() + " strings to look for");
    List<String> needles = new ArrayList<>();
    for (String secret : secrets) {
      // The full-text index stores lowercased tokens.
      needles.add(secret);
      needles.add(secret.toLowerCase(Locale.ROOT));
    }
    // Words every memory shares: the most likely to show up in an index page.
    needles.addAll(
        List.of("zanzibar", "Zanzibar", "quokka", "lighthouse", "CREATE TABLE", "memory_fts"));
    NeedleSet utf8 = new NeedleSet(needles, StandardCharsets.UTF_8);
    NeedleSet utf16 = new NeedleSet(needles, StandardCharsets.UTF_16LE);
    for (Map<String, byte[]> files : List.of(whileOpen, afterClose)) {
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        utf8.firstIn(file.getValue())
            .ifPresent(found -> fail(file.getKey() + " contains '" + found + "'"));
        utf16
            .firstIn(file.getValue())
            .ifPresent(found -> fail(file.getKey() + " contains UTF-16 '" + found + "'"));
      }
    }
  }

  @Test
  void needleSet_control_findsPlaintextWhereItIs() {
    NeedleSet needles = new NeedleSet(List.of("quokka", "XJ40007"), StandardCharsets.UTF_8);
    byte[] haystack = "....some XJ40007 text".getBytes(StandardCharsets.UTF_8);

    assertEquals(Optional.of("XJ40007"), needles.firstIn(haystack));
    assertEquals(
        Optional.empty(), needles.firstIn("XJ4000 quokk".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void database_byteEntropy_closeToRandom() {
    byte[] db = afterClose.get(Vault.DATABASE_FILE);
    assertTrue(db.length > 100_000, "database of " + db.length + " bytes is too small to judge");

    double entropy = shannonEntropy(db);
    System.out.println("vault.db " + db.length + " bytes, entropy " + entropy + " bits/byte");
    assertTrue(entropy > 7.9, "entropy " + entropy + " bits/byte");
    // A control: the same measure on the plaintext the vault holds is far lower.
    assertTrue(shannonEntropy(String.join(" ", secrets).getBytes(StandardCharsets.UTF_8)) < 6.0);
  }

  @Test
  void database_everyPageLooksRandom() {
    byte[] db = afterClose.get(Vault.DATABASE_FILE);
    int pageSize = 4096;
    assertEquals(0, db.length % pageSize, "SQLCipher 4 pages are 4096 bytes");
    for (int page = 0; page < db.length / pageSize; page++) {
      double entropy =
          shannonEntropy(Arrays.copyOfRange(db, page * pageSize, (page + 1) * pageSize));
      // 4096 random bytes give about 7.95; a page with a plaintext region would fall well below.
      assertTrue(entropy > 7.8, "page " + page + " entropy " + entropy);
    }
  }

  /** Gives every text the vector 127, then the letters of a word, then ones. */
  private record SpellingEmbedder(String word) implements TextEmbedder {
    @Override
    public String modelId() {
      return "spelling";
    }

    @Override
    public List<float[]> embed(List<String> texts) {
      float[] vector = new float[384];
      Arrays.fill(vector, 1);
      vector[0] = 127;
      byte[] letters = word.getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < letters.length; i++) {
        vector[1 + i] = letters[i];
      }
      return texts.stream().map(text -> vector.clone()).toList();
    }
  }

  private static double shannonEntropy(byte[] data) {
    long[] counts = new long[256];
    for (byte b : data) {
      counts[b & 0xff]++;
    }
    double entropy = 0;
    for (long count : counts) {
      if (count > 0) {
        double p = (double) count / data.length;
        entropy -= p * Math.log(p) / Math.log(2);
      }
    }
    return entropy;
  }

  /** Finds any of many strings in a byte array in one pass, keyed by their first 5 bytes. */
  private static final class NeedleSet {
    private static final int KEY = 5;
    private final Map<Long, List<Needle>> byPrefix = new HashMap<>();

    private record Needle(String text, byte[] bytes) {}

    NeedleSet(List<String> needles, Charset charset) {
      for (String text : needles) {
        byte[] bytes = text.getBytes(charset);
        assertTrue(bytes.length >= KEY, "needle too short: " + text);
        byPrefix
            .computeIfAbsent(key(bytes, 0), k -> new ArrayList<>())
            .add(new Needle(text, bytes));
      }
    }

    Optional<String> firstIn(byte[] haystack) {
      for (int i = 0; i + KEY <= haystack.length; i++) {
        List<Needle> candidates = byPrefix.get(key(haystack, i));
        if (candidates == null) {
          continue;
        }
        for (Needle needle : candidates) {
          if (i + needle.bytes().length <= haystack.length
              && Arrays.equals(
                  needle.bytes(),
                  0,
                  needle.bytes().length,
                  haystack,
                  i,
                  i + needle.bytes().length)) {
            return Optional.of(needle.text());
          }
        }
      }
      return Optional.empty();
    }

    private static long key(byte[] bytes, int from) {
      long key = 0;
      for (int i = 0; i < KEY; i++) {
        key = (key << 8) | (bytes[from + i] & 0xff);
      }
      return key;
    }
  }
}
