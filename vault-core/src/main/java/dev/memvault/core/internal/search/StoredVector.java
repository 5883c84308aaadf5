package dev.memvault.core.internal.search;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * How an embedding is stored (docs/FORMAT.md, "Vectors"): its components scaled so that the largest
 * is 127 in magnitude and rounded to signed bytes, then the scale as a little-endian float32; the
 * vector is each byte divided by the scale. A quarter of the float32 size, and a cosine similarity
 * within about 0.01 of the unrounded one for unit vectors of a few hundred dimensions.
 */
public final class StoredVector {
  private StoredVector() {}

  /** The stored form of {@code vector}, which must have a non-zero component. */
  public static byte[] encode(float[] vector) {
    float largest = 0;
    for (float component : vector) {
      largest = Math.max(largest, Math.abs(component));
    }
    if (!(largest > 0) || Float.isInfinite(largest)) {
      throw new IllegalArgumentException("a vector needs finite components, not all zero");
    }
    float scale = 127f / largest;
    ByteBuffer out = ByteBuffer.allocate(vector.length + 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float component : vector) {
      out.put((byte) Math.round(component * scale));
    }
    out.putFloat(scale);
    return out.array();
  }

  /** The number of components of a stored vector. */
  public static int dimensions(byte[] stored) {
    return stored.length - 4;
  }

  /** The scale of a stored vector: component i is {@code stored[i] / scale}. */
  public static float scale(byte[] stored) {
    return ByteBuffer.wrap(stored, stored.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
  }

  /** The vector a stored form holds. */
  public static float[] decode(byte[] stored) {
    float scale = scale(stored);
    float[] vector = new float[dimensions(stored)];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = stored[i] / scale;
    }
    return vector;
  }
}
