package dev.memvault.core.meaning;

import java.util.List;

/**
 * Turns texts into vectors whose cosine similarity follows their meaning: the model behind search
 * by meaning. It runs on the device; what it is given is decrypted memory text and queries, so an
 * implementation must not send them anywhere.
 */
public interface TextEmbedder {
  /**
   * Names the vector space: vectors of two models are never compared, and a vault drops the vectors
   * of another model when it indexes with this one. Known without loading the model.
   */
  String modelId();

  /**
   * One unit-length vector per text, in order, all of the same dimensions.
   *
   * @throws MeaningUnavailable if the model cannot be loaded or run
   */
  List<float[]> embed(List<String> texts);
}
