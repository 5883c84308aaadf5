package dev.memvault.core.internal.crypto;

import com.google.protobuf.ByteString;
import dev.memvault.proto.v1.KdfParams;
import java.security.SecureRandom;

/**
 * Argon2id parameters for deriving a key-encryption key from a passphrase.
 *
 * <p>The floor below is compiled in and checked on every use: a vault header (which an attacker
 * with access to the files can edit) can ask for more work, never for less.
 */
public record KdfParameters(int memoryKib, int iterations, int parallelism, byte[] salt) {
  public static final String ALGORITHM = "argon2id";
  public static final int MIN_MEMORY_KIB = 64 * 1024;
  public static final int MIN_ITERATIONS = 3;
  public static final int MIN_PARALLELISM = 1;
  public static final int SALT_BYTES = 16;

  /** Upper bounds keep a tampered header from making opening take hours or exhaust memory. */
  public static final int MAX_MEMORY_KIB = 4 * 1024 * 1024;

  public static final int MAX_ITERATIONS = 64;
  public static final int MAX_PARALLELISM = 16;

  public KdfParameters {
    salt = salt.clone();
  }

  /** The parameters new vaults use: the floor, with a fresh random salt. */
  public static KdfParameters defaults(SecureRandom random) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    return new KdfParameters(MIN_MEMORY_KIB, MIN_ITERATIONS, MIN_PARALLELISM, salt);
  }

  /**
   * Reads parameters from a header, refusing any that are weaker than the floor.
   *
   * @throws WeakParametersException if the header asks for less than the floor or for an unknown
   *     algorithm
   */
  public static KdfParameters fromProto(KdfParams proto) throws WeakParametersException {
    if (!ALGORITHM.equals(proto.getAlgorithm())) {
      throw new WeakParametersException("unknown key derivation '" + proto.getAlgorithm() + "'");
    }
    if (proto.getMemoryKib() < MIN_MEMORY_KIB
        || proto.getIterations() < MIN_ITERATIONS
        || proto.getParallelism() < MIN_PARALLELISM
        || proto.getSalt().size() < SALT_BYTES) {
      throw new WeakParametersException(
          String.format(
              "key derivation parameters below the minimum (memory %d KiB, %d passes)",
              proto.getMemoryKib(), proto.getIterations()));
    }
    if (proto.getMemoryKib() > MAX_MEMORY_KIB
        || proto.getIterations() > MAX_ITERATIONS
        || proto.getParallelism() > MAX_PARALLELISM) {
      throw new WeakParametersException("key derivation parameters beyond the supported maximum");
    }
    return new KdfParameters(
        proto.getMemoryKib(),
        proto.getIterations(),
        proto.getParallelism(),
        proto.getSalt().toByteArray());
  }

  public KdfParams toProto() {
    return KdfParams.newBuilder()
        .setAlgorithm(ALGORITHM)
        .setMemoryKib(memoryKib)
        .setIterations(iterations)
        .setParallelism(parallelism)
        .setSalt(ByteString.copyFrom(salt))
        .build();
  }

  @Override
  public byte[] salt() {
    return salt.clone();
  }

  /** Thrown when stored parameters would weaken the key derivation. */
  public static final class WeakParametersException extends Exception {
    private static final long serialVersionUID = 1L;

    public WeakParametersException(String message) {
      super(message);
    }
  }
}
