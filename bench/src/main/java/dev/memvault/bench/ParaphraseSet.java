package dev.memvault.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A labelled set for measuring search by meaning: memories a person's vault holds, each with a
 * query in other words that should find it. A query shares no word or word form with its memory
 * that keyword search matches (ParaphraseSetTest checks it with the vault's own analysis), so only
 * search by meaning can find a memory from its query.
 *
 * <p>Two sets ship as resources: {@link #TUNING}, which ranking may be tuned on, and {@link
 * #HELD_OUT}, written apart on other topics and phrasings, which only checks that the tuning
 * generalises.
 */
public final class ParaphraseSet {
  /** The set that ranking may be tuned on. */
  public static final String TUNING = "meaning/tuning-set.json";

  /** The set kept apart from tuning, to check that what was tuned on the other generalises. */
  public static final String HELD_OUT = "meaning/held-out-set.json";

  /** Unknown fields fail the load: a misspelt field name would otherwise leave its field null. */
  private static final JsonMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  /**
   * A memory and the query that should find it.
   *
   * @param memory the memory's text
   * @param kind the memory's kind, lower case: {@code fact}, {@code preference}, {@code note} or
   *     {@code instruction} (the names of the vault's {@code Kind} values)
   * @param tags the memory's tags
   * @param query what a person would type to find it, in other words
   */
  public record ParaphrasePair(String memory, String kind, List<String> tags, String query) {
    public ParaphrasePair {
      tags = tags == null ? List.of() : List.copyOf(tags);
    }
  }

  private ParaphraseSet() {}

  /**
   * The pairs of the resource {@code resourceName}, relative to this package (for example {@link
   * #TUNING}), in file order.
   *
   * @throws IllegalArgumentException if there is no such resource
   * @throws UncheckedIOException if it cannot be read
   * @throws IllegalStateException if it is not a JSON array of pairs
   */
  public static List<ParaphrasePair> load(String resourceName) {
    try (InputStream in = ParaphraseSet.class.getResourceAsStream(resourceName)) {
      if (in == null) {
        throw new IllegalArgumentException(
            "no paraphrase set " + resourceName + " next to " + ParaphraseSet.class.getName());
      }
      return List.copyOf(JSON.readValue(in, new TypeReference<List<ParaphrasePair>>() {}));
    } catch (JacksonException e) {
      throw new IllegalStateException(
          "paraphrase set "
              + resourceName
              + " is not a JSON array of pairs: "
              + e.getOriginalMessage(),
          e);
    } catch (IOException e) {
      throw new UncheckedIOException("paraphrase set " + resourceName + " unreadable", e);
    }
  }
}
