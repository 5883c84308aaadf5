package dev.memvault.core.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.VaultException;
import dev.memvault.core.testing.Drafts;
import dev.memvault.core.testing.MutableClock;
import dev.memvault.proto.v1.Kind;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Search that finds what people mean by words: other forms of a word in eight languages, CJK words
 * inside sentences, questions, and spelling suggestions from the vault's own words. One vault for
 * the class (one Argon2id).
 */
class VaultSearchWordFormsTest {
  @TempDir static Path dir;
  private static Vault vault;

  private static String restaurants;
  private static String penicillin;
  private static String vegetarian;
  private static String lisbon;
  private static String huangshan;
  private static String backups;
  private static String thai;

  @BeforeAll
  static void createVault() {
    vault =
        Vault.create(
                dir.resolve("v"),
                "word forms".toCharArray(),
                new MutableClock(Instant.parse("2024-03-01T09:00:00Z")),
                new SecureRandom())
            .vault();
    restaurants = add("Two good restaurants near the harbour serve grilled fish");
    penicillin = add("Allergic to penicillin");
    vegetarian = add("I am vegetarian and never eat meat");
    lisbon = vault.add(Drafts.of("travel", Kind.PREFERENCE, "Lisbon trams are lovely")).getId();
    huangshan = add("我们明年春天去黄山看日出");
    backups = add("Backups run every night to the NAS in the cupboard");
    add("The weather said rain all week");
    thai = add("สวัสดี ครับ");
  }

  @AfterAll
  static void closeVault() {
    vault.close();
  }

  private static String add(String text) {
    return vault.add(Drafts.note("notes", text)).getId();
  }

  private static List<String> ids(String query) {
    return vault.search(query, Selection.all()).stream().map(r -> r.memory().getId()).toList();
  }

  @Test
  void search_singular_findsPlural() {
    assertEquals(List.of(restaurants), ids("restaurant"));
    assertEquals(List.of(restaurants), ids("Restaurants"));
  }

  @Test
  void search_nounForm_findsAdjective() {
    List<SearchResult> hits = vault.search("allergies", Selection.all());

    assertEquals(List.of(penicillin), hits.stream().map(r -> r.memory().getId()).toList());
    assertEquals("[Allergic] to penicillin", hits.get(0).snippet());
  }

  @Test
  void search_stemOfAnotherLanguage_onlyAmongThatLanguagesTexts() {
    String moth = vault.add(Drafts.note("insects", "a moth flew into the lamp")).getId();
    String hund = vault.add(Drafts.note("insects", "Der Hund schläft, und die Katze auch")).getId();

    // German stems "mother" to "moth": an English text's "moth" is not its German stem.
    assertEquals(List.of(), ids("mother"));
    assertEquals(List.of(moth), ids("moths"));
    // A German text keeps its German stems, so another form of its word finds it.
    assertEquals(List.of(hund), ids("Hunde"));
    assertEquals(List.of(hund), ids("Katzen"));
  }

  @Test
  void search_cjkWordInsideSentence_found() {
    List<SearchResult> hits = vault.search("黄山", Selection.all());

    assertEquals(List.of(huangshan), hits.stream().map(r -> r.memory().getId()).toList());
    assertEquals("我们明年春天去[黄山]看日出", hits.get(0).snippet());
    assertEquals(List.of(huangshan), ids("日出"));
    assertEquals(List.of(huangshan), ids("山"));
    assertEquals(List.of(), ids("山黄"));
  }

  @Test
  void search_question_findsTheMemoryByItsWords() {
    List<SearchResult> hits = vault.search("what did I say about backups?", Selection.all());

    assertEquals(backups, hits.get(0).memory().getId());
    assertTrue(hits.get(0).snippet().startsWith("[Backups] run"), hits.get(0).snippet());
  }

  @Test
  void spellingSuggestion_misspelledWord_nearestWordOfTheVault() {
    assertEquals(List.of(), ids("vegitarian"));
    assertEquals(Optional.of("vegetarian"), vault.spellingSuggestion("vegitarian"));
    assertEquals(Optional.of("lisbon"), vault.spellingSuggestion("lisbn"));
    assertEquals(Optional.of("lisbon trams"), vault.spellingSuggestion("lisbn trams"));
    assertEquals(Optional.of("\"the\" lisbon"), vault.spellingSuggestion("\"the\" lsbon"));
    assertEquals(List.of(vegetarian), ids(vault.spellingSuggestion("vegitarian").orElseThrow()));
    assertEquals(List.of(lisbon), ids(vault.spellingSuggestion("lisbn").orElseThrow()));
  }

  @Test
  void spellingSuggestion_knownOrFarWords_none() {
    assertEquals(Optional.empty(), vault.spellingSuggestion("lisbon"));
    assertEquals(Optional.empty(), vault.spellingSuggestion("restaurant"));
    assertEquals(Optional.empty(), vault.spellingSuggestion("xylophone"));
    assertEquals(Optional.empty(), vault.spellingSuggestion("lisb*"));
  }

  @Test
  void search_unsupportedScript_foundAsWrittenOrNothing() {
    assertEquals(List.of(thai), ids("สวัสดี"));
    assertEquals(List.of(), ids("नमस्ते"));
  }

  @Test
  void search_badInput_clearRefusals() {
    assertMessage("the", "only common words");
    assertMessage("what is it?", "only common words");
    assertMessage("?!…", "no words to look for");
    assertMessage("😀", "no words to look for");
    assertMessage("backup ".repeat(6_000), "at most 2,000");
  }

  private static void assertMessage(String query, String part) {
    VaultException.InvalidInput e =
        assertThrows(VaultException.InvalidInput.class, () -> vault.search(query, Selection.all()));
    assertTrue(e.getMessage().contains(part), e.getMessage());
    VaultException.InvalidInput suggestion =
        assertThrows(VaultException.InvalidInput.class, () -> vault.spellingSuggestion(query));
    assertEquals(e.getMessage(), suggestion.getMessage());
  }

  /** A memory in each language, found by another form of one of its words. */
  @ParameterizedTest(name = "{0}: {2} finds {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "en | The children were running to the bakeries | bakery",
        "de | Die Häuser in der Altstadt sind sehr alt | Haus",
        "fr | Nous avons visité les musées de la ville | musée",
        "es | Las ciudades de la costa son preciosas | ciudad",
        "pt | As cidades do norte são muito bonitas | cidade",
        "it | Le biciclette sono nel garage della casa | bicicletta",
        "nl | De fietsen staan in de schuur bij het huis | fiets",
        "ru | Мы читали интересные книги в библиотеке | книга",
      })
  void search_otherFormOfAWord_foundInEachLanguage(String language, String text, String query) {
    String id = vault.add(Drafts.note("lang-" + language, text)).getId();

    assertEquals(
        List.of(id),
        vault.search(query, Selection.all().inScope("lang-" + language)).stream()
            .map(r -> r.memory().getId())
            .toList());
  }
}
