package dev.memvault.sdk.sync;

import static dev.memvault.sdk.sync.Linking.PASSPHRASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.memvault.core.VaultException;
import dev.memvault.core.vault.Selection;
import dev.memvault.proto.sync.v1.Change;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.NewMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The way back after a detected lie (README, "When the server lied"): the device a person trusts
 * starts the vault's log over, on another server or the same one, and the other devices follow once
 * told to. Real servers over TCP on 127.0.0.1.
 */
class StartingOverTest {
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

  private RealServer server(String name) throws IOException {
    return track(new RealServer(Files.createDirectories(dir.resolve(name))));
  }

  private static SyncReport sync(MemoryVault vault, String url) {
    try (SyncClient client = SyncClient.connect(vault, url)) {
      return client.sync();
    }
  }

  private static SyncReport startOver(MemoryVault vault, String url) {
    try (SyncClient client = SyncClient.connect(vault, url)) {
      return client.startOver();
    }
  }

  private static SyncReport follow(MemoryVault vault, String url) {
    try (SyncClient client = SyncClient.connect(vault, url)) {
      return client.followNewLog();
    }
  }

  private static List<String> texts(MemoryVault vault) {
    return vault.list(Selection.all().limitedTo(Selection.MAX_LIMIT)).stream()
        .map(Memory::getText)
        .sorted()
        .toList();
  }

  @Test
  void startOver_afterTwoViewsWereCaught_laptopsVaultOnAnotherServerAndThePhoneFollows()
      throws Exception {
    RealServer lying = server("lying-server");
    MemoryVault laptop = track(MemoryVault.create(dir.resolve("laptop"), PASSPHRASE).vault());
    laptop.add(NewMemory.of("work", Kind.NOTE, "known to both"));
    Memory corrected = laptop.add(NewMemory.of("home", Kind.NOTE, "first wording"));
    Memory forgotten = laptop.add(NewMemory.of("home", Kind.NOTE, "forget me"));
    sync(laptop, lying.url());
    MemoryVault phone = track(Linking.link(laptop, lying.url(), dir.resolve("phone")).vault());
    byte[] vaultId = laptop.replica().vaultIdBytes();

    // The server keeps one copy of its storage per device, then joins them: the phone catches it.
    lying.stop();
    Path laptopView = lying.data();
    Path phoneView = copy(laptopView, dir.resolve("phone-view"));
    lying.start();
    lying.restartOn(laptopView);
    laptop.update(corrected.getId(), "second wording");
    laptop.forget(forgotten.getId());
    sync(laptop, lying.url());
    lying.restartOn(phoneView);
    Memory phonesOwn = phone.add(NewMemory.of("work", Kind.NOTE, "only the phone has this"));
    sync(phone, lying.url());
    lying.restartOn(laptopView);
    List<Change> laptopChanges =
        lying.pullAs(vaultId, laptop).stream()
            .map(LogEntry::getChange)
            .filter(
                c -> c.getDeviceId().equals(ByteString.copyFrom(laptop.replica().deviceIdBytes())))
            .toList();
    lying.restartOn(phoneView);
    lying.replayAs(
        vaultId, laptop, laptopChanges.subList(laptopChanges.size() - 1, laptopChanges.size()));
    assertThrows(VaultException.class, () -> sync(phone, lying.url()), "the lie is caught");
    Memory unpushed = phone.add(NewMemory.of("work", Kind.NOTE, "written while refused"));

    // The person trusts the laptop and moves the vault to a new server from it.
    RealServer fresh = server("fresh-server");
    SyncReport published = startOver(laptop, fresh.url());
    assertTrue(published.pushed() >= 5, "two scopes and three memories, at least");

    VaultException notYet = assertThrows(VaultException.class, () -> sync(phone, fresh.url()));
    assertTrue(
        notYet
            .getMessage()
            .startsWith(
                "device "
                    + laptop.deviceId().substring(0, 8)
                    + " started this vault's log over at "
                    + fresh.url()),
        notYet.getMessage());
    assertTrue(notYet.getMessage().contains("--follow-new-log"), notYet.getMessage());

    follow(phone, fresh.url());
    sync(laptop, fresh.url());

    assertEquals("second wording", phone.get(corrected.getId()).getText());
    assertThrows(VaultException.UnknownItem.class, () -> phone.get(forgotten.getId()));
    assertEquals("only the phone has this", laptop.get(phonesOwn.getId()).getText());
    assertEquals("written while refused", laptop.get(unpushed.getId()).getText());
    assertEquals(texts(laptop), texts(phone));
    assertEquals(
        List.of(
            "known to both", "only the phone has this", "second wording", "written while refused"),
        texts(laptop));

    // Both keep syncing on the new log, and a new device links through it.
    phone.add(NewMemory.of("work", Kind.NOTE, "after the move"));
    sync(phone, fresh.url());
    sync(laptop, fresh.url());
    assertEquals(texts(laptop), texts(phone));
    MemoryVault tablet = track(Linking.link(laptop, fresh.url(), dir.resolve("tablet")).vault());
    assertEquals(texts(laptop), texts(tablet));
  }

  @Test
  void startOver_onTheSameServer_replacesItsLogAndTheOtherDeviceFollows() throws Exception {
    RealServer server = server("server");
    MemoryVault laptop = track(MemoryVault.create(dir.resolve("laptop"), PASSPHRASE).vault());
    laptop.add(NewMemory.of("work", Kind.NOTE, "one"));
    sync(laptop, server.url());
    MemoryVault phone = track(Linking.link(laptop, server.url(), dir.resolve("phone")).vault());
    phone.add(NewMemory.of("work", Kind.NOTE, "two"));
    sync(phone, server.url());
    sync(laptop, server.url());
    long oldHead = server.storedLog(laptop.replica().vaultIdBytes()).size();

    startOver(laptop, server.url());

    List<LogEntry> log = server.storedLog(laptop.replica().vaultIdBytes());
    ByteString laptopId = ByteString.copyFrom(laptop.replica().deviceIdBytes());
    assertTrue(log.size() < oldHead + 5, "the log started empty, then took the republished vault");
    assertTrue(
        log.stream().allMatch(e -> e.getChange().getDeviceId().equals(laptopId)),
        "every change of the new log is the laptop's");
    assertThrows(VaultException.class, () -> sync(phone, server.url()));
    follow(phone, server.url());
    assertEquals(List.of("one", "two"), texts(phone));
    phone.add(NewMemory.of("work", Kind.NOTE, "three"));
    sync(phone, server.url());
    sync(laptop, server.url());
    assertEquals(List.of("one", "three", "two"), texts(laptop));
  }

  @Test
  void startOver_withARenamedAndADeletedScope_aDeviceLinkedAfterwardsHoldsTheSameVault()
      throws Exception {
    RealServer first = server("first-server");
    MemoryVault laptop = track(MemoryVault.create(dir.resolve("laptop"), PASSPHRASE).vault());
    laptop.add(NewMemory.of("work", Kind.NOTE, "renamed along with its scope"));
    laptop.add(NewMemory.of("health", Kind.NOTE, "deleted with its scope"));
    laptop.add(NewMemory.of("home", Kind.NOTE, "untouched"));
    sync(laptop, first.url());
    laptop.renameScope("work", "job");
    laptop.deleteScope("health", true);

    RealServer fresh = server("fresh-server");
    startOver(laptop, fresh.url());
    MemoryVault tablet = track(Linking.link(laptop, fresh.url(), dir.resolve("tablet")).vault());

    assertEquals(List.of("renamed along with its scope", "untouched"), texts(tablet));
    assertEquals(texts(laptop), texts(tablet));
    assertEquals(
        List.of("job"),
        tablet.list(Selection.all()).stream()
            .filter(m -> m.getText().startsWith("renamed"))
            .map(Memory::getScope)
            .toList());
  }

  @Test
  void startOver_byARevokedDevice_refusedAndTheLogKept() throws Exception {
    RealServer server = server("server");
    MemoryVault laptop = track(MemoryVault.create(dir.resolve("laptop"), PASSPHRASE).vault());
    laptop.add(NewMemory.of("work", Kind.NOTE, "stays"));
    sync(laptop, server.url());
    MemoryVault phone = track(Linking.link(laptop, server.url(), dir.resolve("phone")).vault());
    try (SyncClient client = SyncClient.connect(laptop, server.url())) {
      client.revoke(phone.deviceId());
    }
    List<LogEntry> before = server.storedLog(laptop.replica().vaultIdBytes());

    assertThrows(VaultException.class, () -> startOver(phone, server.url()));

    assertEquals(before, server.storedLog(laptop.replica().vaultIdBytes()));
    sync(laptop, server.url());
    assertEquals(List.of("stays"), texts(laptop));
  }

  @Test
  void startOver_deviceThatNeverSynced_refusedAndItsFirstSyncAsUsual() throws Exception {
    RealServer server = server("server");
    MemoryVault fresh = track(MemoryVault.create(dir.resolve("fresh"), PASSPHRASE).vault());
    fresh.add(NewMemory.of("work", Kind.NOTE, "never synced"));

    VaultException refused =
        assertThrows(VaultException.class, () -> startOver(fresh, server.url()));

    assertTrue(refused.getMessage().contains("has never synced"), refused.getMessage());
    assertEquals(2, sync(fresh, server.url()).pushed(), "its scope and memory, as any first sync");
  }

  @Test
  void followNewLog_logNeverStartedOver_refusedAndNothingForgotten() throws Exception {
    RealServer server = server("server");
    MemoryVault laptop = track(MemoryVault.create(dir.resolve("laptop"), PASSPHRASE).vault());
    laptop.add(NewMemory.of("work", Kind.NOTE, "stays"));
    sync(laptop, server.url());
    long seq = laptop.replica().syncCursor().orElseThrow().seq();

    VaultException refused = assertThrows(VaultException.class, () -> follow(laptop, server.url()));

    assertTrue(refused.getMessage().contains("was never started over"), refused.getMessage());
    assertEquals(seq, laptop.replica().syncCursor().orElseThrow().seq());
  }

  private static Path copy(Path from, Path to) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(from)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    for (Path file : files) {
      Path target = to.resolve(from.relativize(file).toString());
      Files.createDirectories(target.getParent());
      if (!file.getFileName().toString().endsWith(".lock")) {
        Files.copy(file, target);
      }
    }
    return to;
  }
}
