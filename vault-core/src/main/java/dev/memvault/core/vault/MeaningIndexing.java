package dev.memvault.core.vault;

import dev.memvault.core.internal.search.StoredVector;
import dev.memvault.core.internal.search.VectorIndex;
import dev.memvault.core.internal.store.MemoryRows;
import dev.memvault.core.internal.store.StoredMemory;
import dev.memvault.core.internal.store.VectorRows;
import dev.memvault.proto.v1.Memory;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Gives live memories their vectors, a batch at a time: each batch is read in one short step and
 * stored in another, and the embedding between the two holds no lock, so writes go on while a vault
 * is indexed. What is stored stays stored, so a run that is stopped resumes where it was. Memories
 * other than messages come first: they are what an assistant asks for most.
 */
final class MeaningIndexing {
  /** Memories embedded together: large enough to keep every core busy, small to stop soon. */
  static final int BATCH = 32;

  /**
   * Text of one memory embedded, at most: the bundled model was trained on passages of up to 256
   * word pieces, about 1,000 characters of English, and its cost grows with the length it reads.
   */
  static final int MAX_TEXT_CHARS = 1_000;

  /** Memories read for embedding, with the text each is embedded from. */
  record Batch(List<StoredMemory> memories, List<String> texts) {
    boolean isEmpty() {
      return memories.isEmpty();
    }

    long lastSeq() {
      return memories.get(memories.size() - 1).seq();
    }
  }

  private final MemoryRows memories;
  private final VectorRows vectors;
  private final Records records;
  private final MeaningSearch meaning;

  MeaningIndexing(MemoryRows memories, VectorRows vectors, Records records, MeaningSearch meaning) {
    this.memories = memories;
    this.vectors = vectors;
    this.records = records;
    this.meaning = meaning;
  }

  long pending(String model) throws SQLException {
    return vectors.countWithout(model);
  }

  long indexed(String model) throws SQLException {
    return vectors.count(model);
  }

  /** Vectors of other models are dropped before indexing with {@code model}. */
  int dropOtherModels(String model) throws SQLException {
    return vectors.deleteOtherModels(model);
  }

  /** The next memories after {@code afterSeq} without a vector: messages, or all but messages. */
  Batch next(String model, boolean messages, long afterSeq)
      throws SQLException, GeneralSecurityException {
    List<StoredMemory> rows = memories.withoutVector(model, messages, afterSeq, BATCH);
    List<String> texts = new ArrayList<>(rows.size());
    for (StoredMemory row : rows) {
      texts.add(embeddedText(records.open(row)));
    }
    return new Batch(rows, texts);
  }

  /**
   * Stores the vectors made for a batch, one per memory in order; a memory that changed or was
   * forgotten since it was read gets none.
   *
   * @return the vectors stored
   */
  int store(String model, Batch batch, List<float[]> made) throws SQLException {
    if (made.size() != batch.memories().size()) {
      throw new IllegalStateException(
          "the model gave " + made.size() + " vectors for " + batch.memories().size() + " texts");
    }
    List<VectorIndex.Entry> stored = new ArrayList<>();
    for (int i = 0; i < made.size(); i++) {
      StoredMemory memory = batch.memories().get(i);
      byte[] vector = StoredVector.encode(made.get(i));
      if (vectors.put(memory.seq(), memory.revision(), model, vector)) {
        stored.add(
            new VectorIndex.Entry(
                memory.seq(),
                memory.revision(),
                memory.scopeId(),
                memory.kind(),
                memory.createdAtMillis(),
                vector));
      }
    }
    meaning.stored(stored);
    return stored.size();
  }

  /** What a memory is embedded from: its search text, then its tags. */
  static String embeddedText(Memory memory) {
    String text = MemoryRules.searchText(memory);
    if (memory.getTagsCount() > 0) {
      text = text + "\n" + String.join(", ", memory.getTagsList());
    }
    return text.length() > MAX_TEXT_CHARS ? text.substring(0, MAX_TEXT_CHARS) : text;
  }
}
