package dev.memvault.bench;

import dev.memvault.core.VaultException;
import dev.memvault.core.meaning.TextEmbedder;
import dev.memvault.core.vault.SearchReport;
import dev.memvault.core.vault.SearchResult;
import dev.memvault.core.vault.Selection;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.NewMemory;
import dev.memvault.sdk.meaning.LocalEmbedder;
import dev.memvault.sdk.portable.provider.ImportOptions;
import dev.memvault.sdk.portable.provider.Provider;
import dev.memvault.sdk.portable.provider.ProviderImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Search by meaning, measured: recall of the labelled paraphrase sets among an imported export's
 * messages, by words only and by words and meaning; the model's throughput and resident memory; and
 * search latency on a large vault, by words only beside words and meaning, on the same queries.
 */
final class MeaningBenchmark {
  private static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();
  private static final int RECALL_AT = 5;
  private static final int LATENCY_WARMUP = 50;

  /** Recall@5 of one labelled set. */
  record Quality(String set, int pairs, int wordsFound, int hybridFound) {
    double wordsRecall() {
      return (double) wordsFound / pairs;
    }

    double hybridRecall() {
      return (double) hybridFound / pairs;
    }
  }

  /** Search latency on the large vault, on the same queries both ways. */
  record Latency(
      int memories,
      int modelVectors,
      long firstHybridNanos,
      Samples wordsNanos,
      Samples hybridNanos,
      Samples queryEmbeddingNanos,
      long heapAfterBytes) {}

  /**
   * What syncing vectors instead would cost per memory: sealing and opening a record the size of a
   * stored vector (384 components and a scale), which looks random and is not deflated.
   */
  record SyncedVector(int bytes, double sealMicros, double openMicros) {}

  record Result(
      List<Quality> quality,
      int distractorMessages,
      int labelledMemories,
      double shortPerSecond,
      double corpusPerSecond,
      long modelResidentBytes,
      SyncedVector syncedVector,
      Latency latency) {}

  private MeaningBenchmark() {}

  static Result run(
      Path directory,
      Corpus corpus,
      int memories,
      int modelVectors,
      long exportBytes,
      long seed,
      Consumer<String> progress)
      throws IOException {
    Files.createDirectories(directory);
    long residentBefore = MachineInfo.residentBytes();
    LocalEmbedder model = LocalEmbedder.bundled();
    model.embed(List.of("load the model"));
    long modelResident = MachineInfo.residentBytes() - residentBefore;

    List<ParaphraseSet.ParaphrasePair> tuning = ParaphraseSet.load(ParaphraseSet.TUNING);
    List<ParaphraseSet.ParaphrasePair> heldOut = ParaphraseSet.load(ParaphraseSet.HELD_OUT);
    List<String> shortTexts = new ArrayList<>();
    tuning.forEach(pair -> shortTexts.add(pair.memory()));
    heldOut.forEach(pair -> shortTexts.add(pair.memory()));
    double shortPerSecond = throughput(model, shortTexts);
    List<String> corpusTexts = new ArrayList<>();
    for (int i = 0; i < 256; i++) {
      corpusTexts.add(corpus.document(i).text());
    }
    double corpusPerSecond = throughput(model, corpusTexts);
    SyncedVector syncedVector = syncedVector();

    progress.accept("recall of the labelled sets among an imported export");
    Path export =
        ChatGptExportGenerator.generate(directory.resolve("conversations.json"), exportBytes, seed)
            .file();
    List<Quality> quality;
    int distractors;
    try (MemoryVault vault = MemoryVault.create(directory.resolve("quality"), PASSPHRASE).vault()) {
      vault.useEmbedder(model);
      distractors =
          (int)
              ProviderImporter.run(vault, Provider.CHATGPT, export, ImportOptions.defaults())
                  .messagesAdded();
      List<String> tuningIds = addAll(vault, tuning);
      List<String> heldOutIds = addAll(vault, heldOut);
      vault.indexMeaning((done, total) -> {});
      quality =
          List.of(
              recall(vault, model, "tuning", tuning, tuningIds),
              recall(vault, model, "held-out", heldOut, heldOutIds));
    }

    progress.accept("search latency on a vault of " + memories + " memories");
    Latency latency =
        latency(directory.resolve("latency"), corpus, memories, modelVectors, model, tuning);
    return new Result(
        quality,
        distractors,
        tuning.size() + heldOut.size(),
        shortPerSecond,
        corpusPerSecond,
        modelResident,
        syncedVector,
        latency);
  }

  private static SyncedVector syncedVector() {
    int bytes = 384 + 4;
    try {
      List<EnvelopeBenchmark.Result> results =
          new EnvelopeBenchmark(500, 500, 3)
              .run(List.of(EnvelopeBenchmark.Plaintext.random()), bytes);
      double seal = 0;
      double open = 0;
      for (EnvelopeBenchmark.Result result : results) {
        double micros = bytes / result.memvaultMbps();
        if (result.operation().contains("seal")) {
          seal = micros;
        } else {
          open = micros;
        }
      }
      return new SyncedVector(bytes, seal, open);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("sealing failed", e);
    }
  }

  private static double throughput(TextEmbedder model, List<String> texts) {
    model.embed(texts.subList(0, Math.min(16, texts.size())));
    long start = System.nanoTime();
    model.embed(texts);
    return texts.size() / ((System.nanoTime() - start) / 1e9);
  }

  private static List<String> addAll(MemoryVault vault, List<ParaphraseSet.ParaphrasePair> pairs) {
    List<String> ids = new ArrayList<>();
    for (ParaphraseSet.ParaphrasePair pair : pairs) {
      Kind kind = Kind.valueOf(pair.kind().toUpperCase(Locale.ROOT));
      Memory added = vault.add(NewMemory.of("personal", kind, pair.memory()).withTags(pair.tags()));
      ids.add(added.getId());
    }
    return ids;
  }

  private static Quality recall(
      MemoryVault vault,
      TextEmbedder model,
      String name,
      List<ParaphraseSet.ParaphrasePair> pairs,
      List<String> ids) {
    Selection top = Selection.all().limitedTo(RECALL_AT);
    vault.useEmbedder(null);
    int words = 0;
    for (int i = 0; i < pairs.size(); i++) {
      words += found(vault, pairs.get(i).query(), top, ids.get(i)) ? 1 : 0;
    }
    vault.useEmbedder(model);
    int hybrid = 0;
    for (int i = 0; i < pairs.size(); i++) {
      hybrid += found(vault, pairs.get(i).query(), top, ids.get(i)) ? 1 : 0;
    }
    return new Quality(name, pairs.size(), words, hybrid);
  }

  private static boolean found(MemoryVault vault, String query, Selection top, String id) {
    try {
      return vault.search(query, top).stream().anyMatch(r -> r.memory().getId().equals(id));
    } catch (VaultException.InvalidInput onlyStopWords) {
      return false;
    }
  }

  private static Latency latency(
      Path directory,
      Corpus corpus,
      int memories,
      int modelVectors,
      LocalEmbedder model,
      List<ParaphraseSet.ParaphrasePair> queries)
      throws IOException {
    try (MemoryVault vault = MemoryVault.create(directory, PASSPHRASE).vault()) {
      List<NewMemory> batch = new ArrayList<>();
      for (int i = 0; i < memories; i++) {
        Corpus.Document document = corpus.document(i);
        batch.add(NewMemory.of("bench", Kind.NOTE, document.text()).withTags(document.tags()));
        if (batch.size() == 1_000 || i == memories - 1) {
          vault.addAll(batch);
          batch.clear();
        }
      }
      vault.useEmbedder(new SampledEmbedder(model, modelVectors));
      vault.indexMeaning((done, total) -> {});

      List<String> texts = new ArrayList<>();
      queries.forEach(pair -> texts.add(pair.query()));
      for (int i = 0; i < 100; i++) {
        texts.add(corpus.token(50 + i * 37));
      }
      Selection top = Selection.all().limitedTo(10);

      vault.useEmbedder(null);
      Samples words = measure(vault, texts, top);
      vault.useEmbedder(model);
      long start = System.nanoTime();
      search(vault, texts.get(0), top);
      long firstHybrid = System.nanoTime() - start;
      Samples hybrid = measure(vault, texts, top);
      Samples embedding = new Samples();
      for (String text : texts) {
        long began = System.nanoTime();
        model.embed(List.of(text));
        embedding.add(System.nanoTime() - began);
      }
      System.gc();
      Runtime runtime = Runtime.getRuntime();
      long heap = runtime.totalMemory() - runtime.freeMemory();
      return new Latency(
          memories, Math.min(memories, modelVectors), firstHybrid, words, hybrid, embedding, heap);
    }
  }

  private static Samples measure(MemoryVault vault, List<String> queries, Selection top) {
    for (int i = 0; i < LATENCY_WARMUP; i++) {
      search(vault, queries.get(i % queries.size()), top);
    }
    Samples samples = new Samples();
    for (String query : queries) {
      long start = System.nanoTime();
      search(vault, query, top);
      samples.add(System.nanoTime() - start);
    }
    return samples;
  }

  private static List<SearchResult> search(MemoryVault vault, String query, Selection top) {
    try {
      SearchReport report = vault.searchReport(query, top);
      return report.results();
    } catch (VaultException.InvalidInput onlyStopWords) {
      return List.of();
    }
  }

  /**
   * The model for the first {@code modelVectors} texts; after them, a copy of an earlier vector
   * with noise (each component plus a normal deviate of 0.02, the whole normalized: a cosine of
   * about 0.9 with the original). Making a vector with the model takes about 30 ms for a 1 KiB
   * memory here, which would keep a 100,000-memory run busy for about an hour; a search's cost does
   * not depend on the values of the vectors it compares, only on their number.
   */
  static final class SampledEmbedder implements TextEmbedder {
    private final TextEmbedder model;
    private final int modelVectors;
    private final List<float[]> made = new ArrayList<>();
    private final SplittableRandom random = new SplittableRandom(7);

    SampledEmbedder(TextEmbedder model, int modelVectors) {
      this.model = model;
      this.modelVectors = modelVectors;
    }

    @Override
    public String modelId() {
      return model.modelId();
    }

    @Override
    public List<float[]> embed(List<String> texts) {
      if (made.size() < modelVectors) {
        List<float[]> vectors = model.embed(texts);
        made.addAll(vectors);
        return vectors;
      }
      List<float[]> vectors = new ArrayList<>();
      for (int t = 0; t < texts.size(); t++) {
        float[] original = made.get(random.nextInt(made.size()));
        float[] copy = new float[original.length];
        double norm = 0;
        for (int i = 0; i < copy.length; i++) {
          copy[i] = (float) (original[i] + 0.02 * gaussian());
          norm += copy[i] * copy[i];
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < copy.length; i++) {
          copy[i] *= scale;
        }
        vectors.add(copy);
      }
      return vectors;
    }

    private double gaussian() {
      double u = 1 - random.nextDouble();
      double v = random.nextDouble();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
  }
}
