package dev.memvault.bench;

import dev.memvault.core.vault.SearchResult;
import dev.memvault.core.vault.Selection;
import dev.memvault.core.vault.Vault;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** memvault through its public API: {@link Vault#addAll} and {@link Vault#search}. */
final class MemvaultStore implements Store {
  static final String SCOPE = "notes";
  private static final Selection TOP_TEN = Selection.all().limitedTo(10);

  private final Vault vault;

  private MemvaultStore(Vault vault) {
    this.vault = vault;
  }

  /** Creates a new vault (one Argon2id derivation) in an empty directory. */
  static MemvaultStore create(Path directory, char[] passphrase) {
    return new MemvaultStore(Vault.create(directory, passphrase).vault());
  }

  Vault vault() {
    return vault;
  }

  @Override
  public String name() {
    return Report.MEMVAULT;
  }

  @Override
  public Batch prepare(List<Corpus.Document> documents) {
    List<Memory> drafts = new ArrayList<>(documents.size());
    for (Corpus.Document document : documents) {
      drafts.add(
          Memory.newBuilder()
              .setScope(SCOPE)
              .setKind(Kind.NOTE)
              .setText(document.text())
              .addAllTags(document.tags())
              .build());
    }
    return () -> vault.addAll(drafts);
  }

  @Override
  public int search(String word) {
    List<SearchResult> results = vault.search(word, TOP_TEN);
    return results.size();
  }

  @Override
  public void close() {
    vault.close();
  }
}
