package dev.memvault.protocol;

import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.v1.Change;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Ids and changes for log chain tests: deterministic and readable in a hex dump, the same bytes as
 * sync-server's store fixtures, so a chain built here is a chain a store test would build.
 */
final class LogFixtures {
  private static final int SIGNATURE_LENGTH = 64;
  private static final int VAULT = 0x7661_0000;
  private static final int DEVICE = 0x6465_0000;
  private static final int CHANGE = 0x6368_0000;
  private static final int RECORD = 0x7265_0000;

  private LogFixtures() {}

  static byte[] vaultId(long n) {
    return id(VAULT, n);
  }

  /** Change number {@code n} by device 1: a payload of "payload n" and a 64-byte signature. */
  static Change change(long n) {
    byte[] signature = new byte[SIGNATURE_LENGTH];
    Arrays.fill(signature, (byte) n);
    return Change.newBuilder()
        .setChangeId(ByteString.copyFrom(id(CHANGE, n)))
        .setDeviceId(ByteString.copyFrom(id(DEVICE, 1)))
        .setRecordId(ByteString.copyFrom(id(RECORD, n % 7)))
        .setPayload(ByteString.copyFrom("payload " + n, StandardCharsets.UTF_8))
        .setSignature(ByteString.copyFrom(signature))
        .build();
  }

  private static byte[] id(int kind, long n) {
    return ByteBuffer.allocate(16).putInt(kind).putInt(0).putLong(n).array();
  }
}
