package dev.memvault.core.internal.crypto;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.util.SecretBytes;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Arrays;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/** Derives a 256-bit key-encryption key from a passphrase with Argon2id (Bouncy Castle). */
public final class PassphraseKdf {
  private static final int KEY_BYTES = 32;

  private PassphraseKdf() {}

  /**
   * Runs Argon2id over the passphrase. The passphrase is normalized to Unicode NFC first, so the
   * same words typed on two keyboards that compose accents differently give the same key.
   */
  public static SecretBytes derive(char[] passphrase, KdfParameters params) {
    byte[] password = utf8Nfc(passphrase);
    byte[] out = new byte[KEY_BYTES];
    try {
      Argon2Parameters argon =
          new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
              .withVersion(Argon2Parameters.ARGON2_VERSION_13)
              .withMemoryAsKB(params.memoryKib())
              .withIterations(params.iterations())
              .withParallelism(params.parallelism())
              .withSalt(params.salt())
              .build();
      Argon2BytesGenerator generator = new Argon2BytesGenerator();
      generator.init(argon);
      generator.generateBytes(password, out);
      return SecretBytes.copyFrom(out, InsecureSecretKeyAccess.get());
    } finally {
      Arrays.fill(password, (byte) 0);
      Arrays.fill(out, (byte) 0);
    }
  }

  private static byte[] utf8Nfc(char[] passphrase) {
    String normalized = Normalizer.normalize(CharBuffer.wrap(passphrase), Normalizer.Form.NFC);
    ByteBuffer encoded = StandardCharsets.UTF_8.encode(normalized);
    byte[] bytes = new byte[encoded.remaining()];
    encoded.get(bytes);
    if (encoded.hasArray()) {
      Arrays.fill(encoded.array(), (byte) 0);
    }
    return bytes;
  }
}
