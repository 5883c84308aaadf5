package dev.memvault.sdk.sync;

import static dev.memvault.sdk.sync.Linking.PASSPHRASE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.memvault.core.vault.Selection;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.SyncPayload;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.NewMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a sync server stores of a memory's identity (docs/FORMAT.md, sections 6.6 and 10): real
 * server over TCP on 127.0.0.1, its stored log read back as it could hand it to anyone.
 */
class OpaqueIdsOnTheWireTest {
  @TempDir Path dir;

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private <T extends AutoCloseable> T track(T closeable) {
    open.add(closeable);
    return closeable;
  }

  @Test
  void sync_memoriesMadeInOneRun_serverSeesNoUuidNoTimeAndNoSharedChangeIdPrefix()
      throws Exception {
    RealServer server = track(new RealServer(Files.createDirectories(dir.resolve("server-data"))));
    MemoryVault laptop = track(MemoryVault.create(dir.resolve("laptop"), PASSPHRASE).vault());
    List<Memory> made = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      made.add(laptop.add(NewMemory.of("work", Kind.NOTE, "memory number " + i)));
    }
    laptop.update(made.get(0).getId(), "memory number 0, corrected");
    try (SyncClient client = SyncClient.connect(laptop, server.url())) {
      client.sync();
    }

    List<LogEntry> log = server.storedLog(laptop.replica().vaultIdBytes());
    List<byte[]> changeIds = new ArrayList<>();
    int revisionsOfFirst = 0;
    for (LogEntry entry : log) {
      byte[] recordId = entry.getChange().getRecordId().toByteArray();
      changeIds.add(entry.getChange().getChangeId().toByteArray());
      for (Memory memory : made) {
        byte[] uuid = uuidBytes(memory.getId());
        assertFalse(Arrays.equals(uuid, recordId), "a memory's UUIDv7 reached the server");
        // The UUIDv7's first 6 bytes are its millisecond: none of them is anywhere in the id.
        assertFalse(
            HexFormat.of().formatHex(recordId).contains(HexFormat.of().formatHex(uuid, 0, 6)));
      }
      SyncPayload payload = SyncPayload.parseFrom(entry.getChange().getPayload());
      if (payload.hasRevision()
          && Arrays.equals(laptop.replica().recordIdOf(made.get(0).getId()), recordId)) {
        assertArrayEquals(recordId, payload.getRevision().getRecordId().toByteArray());
        revisionsOfFirst++;
      }
    }
    assertEquals(2, revisionsOfFirst, "both revisions of one memory share its record id");
    for (int i = 0; i < changeIds.size(); i++) {
      for (int j = i + 1; j < changeIds.size(); j++) {
        assertFalse(
            Arrays.equals(Arrays.copyOf(changeIds.get(i), 4), Arrays.copyOf(changeIds.get(j), 4)),
            "two change ids of one run share a prefix");
      }
    }

    MemoryVault phone = track(Linking.link(laptop, server.url(), dir.resolve("phone")).vault());
    assertEquals(texts(laptop), texts(phone));
    assertEquals("memory number 0, corrected", phone.get(made.get(0).getId()).getText());
  }

  private static byte[] uuidBytes(String id) {
    UUID uuid = UUID.fromString(id);
    byte[] bytes = new byte[16];
    for (int i = 0; i < 8; i++) {
      bytes[i] = (byte) (uuid.getMostSignificantBits() >>> (56 - 8 * i));
      bytes[8 + i] = (byte) (uuid.getLeastSignificantBits() >>> (56 - 8 * i));
    }
    return bytes;
  }

  private static List<String> texts(MemoryVault vault) {
    return vault.list(Selection.all()).stream().map(Memory::getText).sorted().toList();
  }
}
