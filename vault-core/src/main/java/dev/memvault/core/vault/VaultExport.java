package dev.memvault.core.vault;

import dev.memvault.proto.v1.Memory;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/** What an exporter needs of a vault: every live memory with its whole history. */
public interface VaultExport {
  /**
   * Hands every live memory, messages included, to {@code sink} in storage order (a conversation
   * before its messages), each with its full history, oldest revision first.
   */
  void exportAll(Consumer<List<Memory>> sink);

  /** The live messages of a conversation, in the order they were stored. */
  List<Memory> messages(String conversationId);

  /**
   * Checks that the vault has a scope of each name.
   *
   * @throws dev.memvault.core.VaultException.UnknownItem for the first name it lacks
   */
  void requireScopes(Collection<String> names);
}
