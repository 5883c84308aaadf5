package dev.memvault.core.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.memvault.proto.v1.KdfParams;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class KdfParametersTest {
  private final KdfParams floor = KdfParameters.defaults(new SecureRandom()).toProto();

  @Test
  void defaults_areTheFloorWithRandomSalt() {
    KdfParameters a = KdfParameters.defaults(new SecureRandom());
    KdfParameters b = KdfParameters.defaults(new SecureRandom());

    assertEquals(64 * 1024, a.memoryKib());
    assertEquals(3, a.iterations());
    assertEquals(1, a.parallelism());
    assertEquals(16, a.salt().length);
    assertNotEquals(Arrays.toString(a.salt()), Arrays.toString(b.salt()));
  }

  @Test
  void fromProto_toProto_roundTrips() throws Exception {
    KdfParams stronger =
        floor.toBuilder().setMemoryKib(256 * 1024).setIterations(4).setParallelism(2).build();
    KdfParameters read = KdfParameters.fromProto(stronger);

    assertEquals(stronger, read.toProto());
  }

  @Test
  void fromProto_belowFloor_refusedNamingTheMinimum() {
    List<UnaryOperator<KdfParams.Builder>> weaker =
        List.of(
            b -> b.setMemoryKib(KdfParameters.MIN_MEMORY_KIB - 1),
            b -> b.setMemoryKib(8),
            b -> b.setIterations(2),
            b -> b.setIterations(0),
            b -> b.setParallelism(0),
            b -> b.setSalt(ByteString.copyFrom(new byte[15])),
            b -> b.setSalt(ByteString.EMPTY),
            // uint32 values of 2^31 and above arrive as negative ints.
            b -> b.setMemoryKib(-1),
            b -> b.setIterations(-1));
    for (UnaryOperator<KdfParams.Builder> weaken : weaker) {
      KdfParams proto = weaken.apply(floor.toBuilder()).build();
      KdfParameters.WeakParametersException e =
          assertThrows(
              KdfParameters.WeakParametersException.class,
              () -> KdfParameters.fromProto(proto),
              proto.toString());
      assertTrue(e.getMessage().contains("minimum"), e.getMessage());
    }
  }

  @Test
  void fromProto_otherAlgorithm_refused() {
    for (String algorithm : new String[] {"argon2i", "argon2d", "ARGON2ID", "", "pbkdf2"}) {
      KdfParams proto = floor.toBuilder().setAlgorithm(algorithm).build();
      KdfParameters.WeakParametersException e =
          assertThrows(
              KdfParameters.WeakParametersException.class, () -> KdfParameters.fromProto(proto));
      assertTrue(e.getMessage().contains("unknown key derivation"), e.getMessage());
    }
  }

  @Test
  void fromProto_beyondMaximum_refused() {
    KdfParams[] huge = {
      floor.toBuilder().setMemoryKib(KdfParameters.MAX_MEMORY_KIB + 1).build(),
      floor.toBuilder().setIterations(KdfParameters.MAX_ITERATIONS + 1).build(),
      floor.toBuilder().setParallelism(KdfParameters.MAX_PARALLELISM + 1).build(),
    };
    for (KdfParams proto : huge) {
      KdfParameters.WeakParametersException e =
          assertThrows(
              KdfParameters.WeakParametersException.class, () -> KdfParameters.fromProto(proto));
      assertTrue(e.getMessage().contains("maximum"), e.getMessage());
    }
  }

  @Test
  void salt_isCopiedInAndOut() {
    byte[] salt = new byte[16];
    KdfParameters params = new KdfParameters(65536, 3, 1, salt);
    salt[0] = 9;
    params.salt()[1] = 9;

    assertArrayEquals(new byte[16], params.salt());
  }
}
