package dev.memvault.bench;

import com.google.crypto.tink.Aead;
import dev.memvault.core.internal.crypto.RecordAddress;
import dev.memvault.core.internal.crypto.RecordCipher;
import dev.memvault.core.internal.crypto.ScopeKeyset;
import dev.memvault.proto.v1.RecordEnvelope;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Throughput of sealing and opening one record envelope ({@link RecordCipher} under a scope's Tink
 * AES-256-GCM keyset) against bare JCE AES-256-GCM with a fresh random 12-byte nonce per message
 * and associated data of the same length as memvault's record address, on two kinds of plaintext:
 * random bytes, which no compression shrinks, and text from the corpus, which deflates into a
 * smaller padding bucket (a record's content is mostly text).
 *
 * <p>Method: every operation is warmed up for {@code warmupMillis}; then the operations take turns
 * in {@code rounds} rounds of {@code roundMillis} each, counting completed operations, and the
 * median round is reported. Every output feeds a checksum so that no work can be elided.
 */
final class EnvelopeBenchmark {
  /** One measured operation: the median and range of its rounds, in MB/s (10^6 bytes). */
  record Result(
      int size,
      String plaintext,
      String operation,
      double memvaultMbps,
      double jceMbps,
      double memvaultMin,
      double memvaultMax,
      double jceMin,
      double jceMax) {}

  /** A kind of plaintext: its name in the report and its bytes at a given size. */
  record Plaintext(String name, IntFunction<byte[]> bytes) {
    static Plaintext random() {
      return new Plaintext(
          "random bytes",
          size -> {
            byte[] bytes = new byte[size];
            new SplittableRandom(size).nextBytes(bytes);
            return bytes;
          });
    }

    /** The corpus's documents, one after another, cut to the size. */
    static Plaintext text(Corpus corpus) {
      return new Plaintext(
          "corpus text",
          size -> {
            StringBuilder text = new StringBuilder(size + 2_048);
            for (long i = 0; text.length() < size; i++) {
              text.append(corpus.document(i).text()).append('\n');
            }
            return Arrays.copyOf(text.toString().getBytes(StandardCharsets.UTF_8), size);
          });
    }
  }

  private interface Operation {
    int run() throws GeneralSecurityException;
  }

  private final long warmupMillis;
  private final long roundMillis;
  private final int rounds;
  private long checksum;

  EnvelopeBenchmark(long warmupMillis, long roundMillis, int rounds) {
    this.warmupMillis = warmupMillis;
    this.roundMillis = roundMillis;
    this.rounds = rounds;
  }

  List<Result> run(List<Plaintext> plaintexts, int... sizes) throws GeneralSecurityException {
    List<Result> results = new ArrayList<>();
    SecureRandom random = new SecureRandom();
    Aead aead = ScopeKeyset.generate().aead();
    RecordAddress address =
        new RecordAddress(
            bytes(random, 16), bytes(random, 16), bytes(random, 16), 1, bytes(random, 16));
    SecretKey key = new SecretKeySpec(bytes(random, 32), "AES");

    for (Plaintext kind : plaintexts) {
      for (int size : sizes) {
        results.addAll(
            compare(kind.name(), size, kind.bytes().apply(size), aead, address, key, random));
      }
    }
    if (checksum == 42) {
      // Practically never true; makes the checksum observable so the JIT keeps every operation.
      System.err.println("checksum " + checksum);
    }
    return results;
  }

  private List<Result> compare(
      String kind,
      int size,
      byte[] plaintext,
      Aead aead,
      RecordAddress address,
      SecretKey key,
      SecureRandom random)
      throws GeneralSecurityException {
    byte[] vaultId = address.vaultId();
    byte[] recordId = address.recordId();
    byte[] associatedData = address.associatedData(RecordCipher.FORMAT_VERSION);
    Cipher encryptor = Cipher.getInstance("AES/GCM/NoPadding");
    Cipher decryptor = Cipher.getInstance("AES/GCM/NoPadding");
    Operation memvaultSeal =
        () -> RecordCipher.seal(aead, address, plaintext).getCiphertext().byteAt(0);
    RecordEnvelope envelope = RecordCipher.seal(aead, address, plaintext);
    Operation memvaultOpen = () -> RecordCipher.open(aead, envelope, vaultId, recordId, 1)[0];

    byte[] nonce = new byte[12];
    Operation jceSeal =
        () -> {
          random.nextBytes(nonce);
          encryptor.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
          encryptor.updateAAD(associatedData);
          return encryptor.doFinal(plaintext)[0];
        };
    byte[] sealedNonce = bytes(random, 12);
    encryptor.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, sealedNonce));
    encryptor.updateAAD(associatedData);
    byte[] sealed = encryptor.doFinal(plaintext);
    Operation jceOpen =
        () -> {
          decryptor.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealedNonce));
          decryptor.updateAAD(associatedData);
          return decryptor.doFinal(sealed)[0];
        };

    return List.of(
        compare(size, kind, "encrypt (seal)", memvaultSeal, jceSeal),
        compare(size, kind, "decrypt (open)", memvaultOpen, jceOpen));
  }

  private Result compare(int size, String kind, String name, Operation memvault, Operation jce)
      throws GeneralSecurityException {
    measure(memvault, warmupMillis);
    measure(jce, warmupMillis);
    Samples memvaultRounds = new Samples();
    Samples jceRounds = new Samples();
    for (int round = 0; round < rounds; round++) {
      // Alternate which goes first, so that a burst of load elsewhere hits both alike.
      if (round % 2 == 0) {
        memvaultRounds.add(measure(memvault, roundMillis));
        jceRounds.add(measure(jce, roundMillis));
      } else {
        jceRounds.add(measure(jce, roundMillis));
        memvaultRounds.add(measure(memvault, roundMillis));
      }
    }
    return new Result(
        size,
        kind,
        name,
        mbps(size, memvaultRounds.median()),
        mbps(size, jceRounds.median()),
        mbps(size, memvaultRounds.min()),
        mbps(size, memvaultRounds.max()),
        mbps(size, jceRounds.min()),
        mbps(size, jceRounds.max()));
  }

  /** Runs the operation for about {@code millis}; returns operations per second times 1000. */
  private long measure(Operation operation, long millis) throws GeneralSecurityException {
    long start = System.nanoTime();
    long deadline = start + millis * 1_000_000;
    long operations = 0;
    long now;
    do {
      checksum += operation.run();
      operations++;
      now = System.nanoTime();
    } while (now < deadline);
    return operations * 1_000_000_000_000L / (now - start);
  }

  private static double mbps(int size, long milliOpsPerSecond) {
    return milliOpsPerSecond / 1000.0 * size / 1e6;
  }

  private static byte[] bytes(SecureRandom random, int count) {
    byte[] bytes = new byte[count];
    random.nextBytes(bytes);
    return bytes;
  }
}
