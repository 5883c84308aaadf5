package dev.memvault.core.vault;

import dev.memvault.proto.v1.Memory;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Writes done together in one transaction ({@link VaultTransactions#write}): all of them land, or
 * none (for example, one imported conversation with its messages). Valid only inside the
 * transaction that handed it out.
 */
public interface Writes {
  /** As {@link Vault#add}. */
  Memory add(Memory draft);

  /** As {@link Vault#update}. */
  Memory update(String id, Consumer<Memory.Builder> change);

  /**
   * The conversation or other memory, not a message, imported with this provider id, if any, live
   * or forgotten. Messages are found within their conversation: {@link #findMessageBySource}.
   */
  Optional<SourceMatch> findBySource(String provider, String externalId);

  /**
   * The message of conversation {@code conversationId} imported with this provider id, live or
   * forgotten, if any. Messages are found within their conversation only.
   */
  Optional<SourceMatch> findMessageBySource(
      String conversationId, String provider, String externalId);

  /** As {@link Vault#get}, seeing the writes made so far in this transaction. */
  Memory get(String id);

  /** As {@link Vault#messages}, seeing the writes made so far in this transaction. */
  List<Memory> messages(String conversationId);

  /**
   * Runs {@code work} inside a savepoint: if it throws, its writes are undone and the exception is
   * rethrown, while the writes made before it in this transaction stay. This lets a caller commit
   * many independent units (conversations of an import) in one transaction, paying for one durable
   * commit instead of one per unit, and still keep each unit all-or-nothing.
   */
  <T> T attempt(Function<Writes, T> work);

  /**
   * Stores a memory with its whole history exactly as given (ids, timestamps, revisions), as an
   * export of another vault holds it. Returns false, storing nothing, if the id exists.
   *
   * @param revisions every revision of one memory, oldest first; the last is the current one
   */
  boolean restore(List<Memory> revisions);
}
