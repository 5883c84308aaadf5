package dev.memvault.sdk.meaning;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.memvault.core.meaning.MeaningUnavailable;
import dev.memvault.core.meaning.TextEmbedder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The embedding model, run in this process on ONNX Runtime: nothing it reads leaves the device. By
 * default all-MiniLM-L6-v2 (quantized, 384 dimensions, English), which ships inside memvault's own
 * jars; {@value #MODEL_VARIABLE} may name a directory with another sentence-embedding model ({@code
 * model.onnx} and its {@code tokenizer.json}, mean pooling). The model loads on first use, once; if
 * it cannot, every use says why and how to repair it, and search keeps to words.
 */
public final class LocalEmbedder implements TextEmbedder {
  /** The environment variable naming a model directory in place of the bundled model. */
  public static final String MODEL_VARIABLE = "MEMVAULT_EMBEDDING_MODEL";

  /** The bundled model's id: its vectors are comparable across devices and releases using it. */
  public static final String BUNDLED_MODEL_ID = "all-minilm-l6-v2-q";

  /**
   * The tokenizer library logs its platform probing (no GPU, which native library) on standard
   * error; a command's output there is for the person. Held here so the setting is not collected.
   */
  private static final Logger NATIVE_LIBRARY_LOG = Logger.getLogger("ai.djl");

  static {
    NATIVE_LIBRARY_LOG.setLevel(Level.OFF);
  }

  /** What a blank text is embedded as: the model takes no empty input. */
  private static final String BLANK = "(empty)";

  private final Supplier<String> modelId;
  private final Loader loader;
  private final String repair;
  private EmbeddingModel model;
  private MeaningUnavailable failure;

  private interface Loader {
    EmbeddingModel load(ExecutorService threads) throws Exception;
  }

  private LocalEmbedder(Supplier<String> modelId, Loader loader, String repair) {
    this.modelId = modelId;
    this.loader = loader;
    this.repair = repair;
  }

  /** The model {@value #MODEL_VARIABLE} names in {@code environment}, else the bundled one. */
  public static LocalEmbedder fromEnvironment(Map<String, String> environment) {
    String directory = environment.get(MODEL_VARIABLE);
    return directory == null || directory.isBlank() ? bundled() : fromDirectory(Path.of(directory));
  }

  /** all-MiniLM-L6-v2, quantized, as shipped in memvault's jars. */
  public static LocalEmbedder bundled() {
    return new LocalEmbedder(
        () -> BUNDLED_MODEL_ID,
        AllMiniLmL6V2QuantizedEmbeddingModel::new,
        "the embedding model shipped with memvault is missing or damaged: reinstall memvault,"
            + " then run `memvault index`");
  }

  /**
   * The model in {@code directory}: {@code model.onnx} and {@code tokenizer.json}. Its id is the
   * SHA-256 of the model file, so vectors of another model in the same place are not mixed up.
   */
  public static LocalEmbedder fromDirectory(Path directory) {
    Path onnx = directory.resolve("model.onnx");
    Path tokenizer = directory.resolve("tokenizer.json");
    String[] id = new String[1];
    return new LocalEmbedder(
        () -> {
          if (id[0] == null) {
            id[0] = fileModelId(onnx);
          }
          return id[0];
        },
        threads -> new OnnxEmbeddingModel(onnx, tokenizer, PoolingMode.MEAN, threads),
        "the embedding model in "
            + directory
            + " could not be loaded: put a sentence-embedding model.onnx and its tokenizer.json"
            + " there, or unset "
            + MODEL_VARIABLE
            + " to use the bundled model; then run `memvault index`");
  }

  @Override
  public String modelId() {
    return modelId.get();
  }

  @Override
  public List<float[]> embed(List<String> texts) {
    EmbeddingModel loaded = loaded();
    List<TextSegment> segments = new ArrayList<>(texts.size());
    for (String text : texts) {
      segments.add(TextSegment.from(text.isBlank() ? BLANK : text));
    }
    List<Embedding> embeddings;
    try {
      embeddings = loaded.embedAll(segments).content();
    } catch (RuntimeException e) {
      throw new MeaningUnavailable("the embedding model failed to run (" + e + ")", e);
    }
    List<float[]> vectors = new ArrayList<>(embeddings.size());
    for (Embedding embedding : embeddings) {
      vectors.add(embedding.vector());
    }
    return vectors;
  }

  private synchronized EmbeddingModel loaded() {
    if (model != null) {
      return model;
    }
    if (failure != null) {
      throw failure;
    }
    try {
      model = loader.load(Executors.newCachedThreadPool(LocalEmbedder::daemon));
      return model;
      // The bundled model loads in a static initializer: a damaged file surfaces as an Error.
    } catch (Exception | LinkageError e) {
      failure = new MeaningUnavailable(repair + " (" + rootMessage(e) + ")", e);
      throw failure;
    }
  }

  private static Thread daemon(Runnable task) {
    Thread thread = new Thread(task, "memvault-embedding");
    thread.setDaemon(true);
    return thread;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
  }

  private static String fileModelId(Path onnx) {
    try (InputStream in = Files.newInputStream(onnx)) {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int read; (read = in.read(buffer)) > 0; ) {
        sha256.update(buffer, 0, read);
      }
      return "onnx-sha256-" + HexFormat.of().formatHex(sha256.digest(), 0, 16);
    } catch (IOException e) {
      return "onnx-unreadable:" + onnx.toAbsolutePath();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }
}
