package dev.memvault.server.store;

import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.v1.Change;
import dev.memvault.proto.sync.v1.Device;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Ids, devices and changes for store tests: deterministic and readable in a hex dump. */
final class Fixtures {
  static final long REGISTERED_AT = 1_700_000_000_000L;
  static final long ACCEPTED_AT = 1_700_000_100_000L;
  static final int SIGNATURE_LENGTH = 64;

  private static final int VAULT = 0x7661_0000;
  private static final int DEVICE = 0x6465_0000;
  private static final int CHANGE = 0x6368_0000;
  private static final int RECORD = 0x7265_0000;

  private Fixtures() {}

  static byte[] vaultId(long n) {
    return id(VAULT, n);
  }

  static byte[] deviceId(long n) {
    return id(DEVICE, n);
  }

  static byte[] changeId(long n) {
    return id(CHANGE, n);
  }

  private static byte[] id(int kind, long n) {
    return ByteBuffer.allocate(16).putInt(kind).putInt(0).putLong(n).array();
  }

  static Device device(long n) {
    byte[] keyset = ("public keyset of device " + n).getBytes(StandardCharsets.UTF_8);
    return Device.newBuilder()
        .setDeviceId(ByteString.copyFrom(deviceId(n)))
        .setSigningPublicKeyset(ByteString.copyFrom(keyset))
        .setRegisteredAtMs(REGISTERED_AT + n)
        .build();
  }

  /** Change number {@code n} by device 1: a payload of "payload n" and a 64-byte signature. */
  static Change change(long n) {
    return change(n, "payload " + n);
  }

  static Change change(long n, String payload) {
    byte[] signature = new byte[SIGNATURE_LENGTH];
    Arrays.fill(signature, (byte) n);
    return Change.newBuilder()
        .setChangeId(ByteString.copyFrom(changeId(n)))
        .setDeviceId(ByteString.copyFrom(deviceId(1)))
        .setRecordId(ByteString.copyFrom(id(RECORD, n % 7)))
        .setPayload(ByteString.copyFrom(payload, StandardCharsets.UTF_8))
        .setSignature(ByteString.copyFrom(signature))
        .build();
  }

  /** Changes {@code from} to {@code to}, both included. */
  static List<Change> changes(long from, long to) {
    List<Change> changes = new ArrayList<>();
    for (long n = from; n <= to; n++) {
      changes.add(change(n));
    }
    return changes;
  }

  static long countedBytes(List<Change> changes) {
    return changes.stream().mapToLong(JdbcSyncStore::countedBytes).sum();
  }
}
