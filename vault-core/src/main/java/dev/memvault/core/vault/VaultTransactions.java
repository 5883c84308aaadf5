package dev.memvault.core.vault;

import java.util.Collection;
import java.util.function.Function;

/** What an importer needs of a vault: transactions over several writes, and scope checks. */
public interface VaultTransactions {
  /** Runs several writes in one transaction; if {@code work} throws, none of them happened. */
  <T> T write(Function<Writes, T> work);

  /**
   * Checks that the vault has a scope of each name.
   *
   * @throws dev.memvault.core.VaultException.UnknownItem for the first name it lacks
   */
  void requireScopes(Collection<String> names);
}
