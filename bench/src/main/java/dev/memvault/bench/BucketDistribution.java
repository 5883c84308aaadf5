package dev.memvault.bench;

import com.google.crypto.tink.Aead;
import dev.memvault.core.internal.crypto.Padme;
import dev.memvault.core.internal.crypto.RecordAddress;
import dev.memvault.core.internal.crypto.RecordCipher;
import dev.memvault.core.internal.crypto.ScopeKeyset;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.NewMemory;
import dev.memvault.sdk.portable.provider.ImportOptions;
import dev.memvault.sdk.portable.provider.Provider;
import dev.memvault.sdk.portable.provider.ProviderImporter;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.Deflater;

/**
 * Padding buckets of real records, with and without compression: the memories of a vault holding
 * the corpus, and of a vault holding an imported generated ChatGPT export, each read back with
 * {@code exportAll} and sealed again by {@link RecordCipher} (what the writer chooses) next to the
 * bucket of the record stored as it is and the bucket deflate at level 1 would reach.
 */
final class BucketDistribution {
  private static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();

  /** Upper bounds of the bands the report counts records in; the last band is open. */
  static final int[] BANDS = {256, 512, 1024, 2048, 4096, 8192, 65536};

  /** One set of records: counts per band and total padded bytes for each way of storing them. */
  record Result(
      String records,
      long count,
      long memoryBytes,
      long[] storedBands,
      long[] sealedBands,
      long storedBytes,
      long sealedBytes,
      long deflatedRecords,
      long missedRecords) {}

  private BucketDistribution() {}

  static List<Result> run(Path directory, Corpus corpus, int memories, Path export)
      throws IOException, GeneralSecurityException {
    List<Result> results = new ArrayList<>();
    results.add(corpusRecords(directory.resolve("corpus"), corpus, memories));
    results.add(exportRecords(directory.resolve("export"), export));
    return results;
  }

  private static Result corpusRecords(Path directory, Corpus corpus, int memories)
      throws GeneralSecurityException {
    List<Memory> stored = new ArrayList<>(memories);
    try (MemoryVault vault = MemoryVault.create(directory, PASSPHRASE).vault()) {
      List<NewMemory> batch = new ArrayList<>();
      for (int i = 0; i < memories; i++) {
        Corpus.Document document = corpus.document(i);
        batch.add(
            NewMemory.of(MemvaultStore.SCOPE, Kind.NOTE, document.text())
                .withTags(document.tags()));
        if (batch.size() == 1_000 || i == memories - 1) {
          vault.addAll(batch);
          batch.clear();
        }
      }
      vault.exportSource().exportAll(stored::addAll);
    }
    return tally(String.format(Locale.ROOT, "%,d corpus memories", memories), stored);
  }

  private static Result exportRecords(Path directory, Path export) throws GeneralSecurityException {
    List<Memory> stored = new ArrayList<>();
    try (MemoryVault vault = MemoryVault.create(directory, PASSPHRASE).vault()) {
      ProviderImporter.run(vault, Provider.CHATGPT, export, ImportOptions.defaults());
      vault.exportSource().exportAll(stored::addAll);
    }
    return tally(
        String.format(
            Locale.ROOT, "%,d records of an imported generated ChatGPT export", stored.size()),
        stored);
  }

  private static Result tally(String name, List<Memory> memories) throws GeneralSecurityException {
    Aead aead = ScopeKeyset.generate().aead();
    byte[] id = new byte[16];
    RecordAddress address = new RecordAddress(id, id, id, 1, id);
    Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
    byte[] out = new byte[1 << 20];
    long[] storedBands = new long[BANDS.length + 1];
    long[] sealedBands = new long[BANDS.length + 1];
    long memoryBytes = 0;
    long storedBytes = 0;
    long sealedBytes = 0;
    long deflated = 0;
    long missed = 0;
    for (Memory memory : memories) {
      byte[] plain = memory.toByteArray();
      int stored = Padme.paddedLength(4 + plain.length);
      // Tink prefix (5), nonce (12) and tag (16) around the padded plaintext.
      int sealed = RecordCipher.seal(aead, address, plain).getCiphertext().size() - 33;
      memoryBytes += plain.length;
      storedBytes += stored;
      sealedBytes += sealed;
      storedBands[band(stored)]++;
      sealedBands[band(sealed)]++;
      if (sealed < stored) {
        deflated++;
      } else if (plain.length < out.length) {
        deflater.reset();
        deflater.setInput(plain);
        deflater.finish();
        int length = deflater.deflate(out);
        if (deflater.finished() && Padme.paddedLength(4 + length) < stored) {
          missed++;
        }
      }
    }
    deflater.end();
    return new Result(
        name,
        memories.size(),
        memoryBytes,
        storedBands,
        sealedBands,
        storedBytes,
        sealedBytes,
        deflated,
        missed);
  }

  private static int band(int bucket) {
    for (int i = 0; i < BANDS.length; i++) {
      if (bucket <= BANDS[i]) {
        return i;
      }
    }
    return BANDS.length;
  }
}
