package dev.memvault.bench;

import com.google.crypto.tink.util.SecretBytes;
import dev.memvault.core.internal.crypto.AssociatedData;
import dev.memvault.core.internal.crypto.KdfParameters;
import dev.memvault.core.internal.crypto.KeyWrap;
import dev.memvault.core.internal.crypto.PassphraseKdf;
import dev.memvault.core.internal.store.SqlCipherDatabase;
import dev.memvault.core.vault.RekeyProgress;
import dev.memvault.core.vault.Vault;
import dev.memvault.core.vault.VaultHeaderFile;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.VaultHeader;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.NewMemory;
import dev.memvault.sdk.sync.DeviceJoin;
import dev.memvault.sdk.sync.DeviceLinking;
import dev.memvault.sdk.sync.PairingCode;
import dev.memvault.sdk.sync.SyncClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * What taking access back costs: {@code device revoke} (a revocation and a key epoch in the device
 * chain, every scope key rotated, a sync) on a small vault and on one of {@code memories} memories,
 * with six devices and then five, through the real server (its own process) over TCP on 127.0.0.1;
 * and {@code rekey} of the large vault next to SQLCipher's own {@code PRAGMA rekey} of a copy of
 * the same database file.
 */
final class KeysBenchmark {
  private static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int SMALL_MEMORIES = 10;

  /**
   * @param devicesSmall the vault's devices when the revocation of the small vault starts
   * @param devicesLarge the vault's devices when the revocation of the large vault starts
   * @param scopes the scopes whose keys a revocation rotates
   */
  record Result(
      int devicesSmall,
      int devicesLarge,
      int scopes,
      int memories,
      long databaseBytes,
      long revokeSmallNanos,
      long revokeLargeNanos,
      long rekeyNanos,
      long pragmaRekeyNanos) {}

  private KeysBenchmark() {}

  static Result run(Path directory, Path serverJar, Corpus corpus, int memories) throws Exception {
    Files.createDirectories(directory);
    List<MemoryVault> open = new ArrayList<>();
    try (ServerProcess server =
        ServerProcess.embedded(
            serverJar,
            directory.resolve("server"),
            directory.resolve("server.log"),
            SyncBenchMain.UNLIMITED)) {
      String url = server.url();
      Path laptopDir = directory.resolve("laptop");
      MemoryVault laptop = MemoryVault.create(laptopDir, PASSPHRASE).vault();
      open.add(laptop);
      for (int i = 0; i < SMALL_MEMORIES; i++) {
        laptop.add(NewMemory.of(scope(i), Kind.NOTE, corpus.document(i).text()));
      }
      sync(laptop, url);
      List<MemoryVault> phones = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        BenchMain.progress("keys: linking device " + (i + 2) + " of 6");
        MemoryVault phone = link(laptop, url, directory.resolve("phone-" + i));
        open.add(phone);
        phones.add(phone);
      }
      BenchMain.progress("keys: revoking a device of a vault of " + SMALL_MEMORIES + " memories");
      long revokeSmall = revoke(laptop, url, phones.get(0));

      BenchMain.progress("keys: adding " + memories + " memories and syncing them");
      addMemories(laptop, corpus, memories);
      sync(laptop, url);
      BenchMain.progress("keys: revoking a device of a vault of " + memories + " memories");
      long revokeLarge = revoke(laptop, url, phones.get(1));
      int scopes = laptop.scopes().size();
      laptop.close();
      open.remove(laptop);

      Path database = laptopDir.resolve(Vault.DATABASE_FILE);
      Path baselineCopy = directory.resolve("baseline.db");
      Files.copy(database, baselineCopy);
      long databaseBytes = Files.size(database);
      BenchMain.progress("keys: PRAGMA rekey of a copy of the database");
      long pragmaRekey = pragmaRekey(baselineCopy, databaseKey(laptopDir, PASSPHRASE));
      BenchMain.progress("keys: memvault rekey");
      long started = System.nanoTime();
      MemoryVault.rekey(laptopDir, PASSPHRASE, RekeyProgress.NONE);
      long rekey = System.nanoTime() - started;
      return new Result(
          6, 5, scopes, memories, databaseBytes, revokeSmall, revokeLarge, rekey, pragmaRekey);
    } finally {
      for (MemoryVault vault : open) {
        vault.close();
      }
    }
  }

  /** Memories spread over a few scopes, as a person's vault has them. */
  private static String scope(long i) {
    return List.of("work", "health", "travel", "home").get((int) (i % 4));
  }

  private static void addMemories(MemoryVault vault, Corpus corpus, int count) {
    List<NewMemory> batch = new ArrayList<>();
    for (long i = SMALL_MEMORIES; i < SMALL_MEMORIES + count; i++) {
      batch.add(NewMemory.of(scope(i), Kind.NOTE, corpus.document(i).text()));
      if (batch.size() == 1_000) {
        vault.addAll(batch);
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      vault.addAll(batch);
    }
  }

  private static void sync(MemoryVault vault, String url) {
    try (SyncClient client = SyncClient.connect(vault, url)) {
      client.sync();
    }
  }

  private static long revoke(MemoryVault by, String url, MemoryVault device) {
    String id = HexFormat.of().formatHex(device.replica().deviceIdBytes());
    try (SyncClient client = SyncClient.connect(by, url)) {
      long started = System.nanoTime();
      client.revoke(id);
      return System.nanoTime() - started;
    }
  }

  private static MemoryVault link(MemoryVault existing, String url, Path directory)
      throws Exception {
    ExecutorService approver = Executors.newSingleThreadExecutor();
    try (SyncClient client = SyncClient.connect(existing, url)) {
      DeviceLinking linking = DeviceLinking.start(client);
      Future<String> approved = approver.submit(() -> linking.approve(WAIT));
      PairingCode code = PairingCode.parse(linking.code().toDisplayString());
      DeviceJoin.Joined joined = DeviceJoin.withCode(directory, PASSPHRASE, url, code, WAIT);
      approved.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      return joined.vault();
    } finally {
      approver.shutdownNow();
    }
  }

  /** SQLCipher's own re-encryption of the file, as DatabaseRekey runs it on its copy. */
  private static long pragmaRekey(Path file, SecretBytes key) throws Exception {
    SecretBytes newKey = SecretBytes.randomBytes(SqlCipherDatabase.KEY_BYTES);
    try (Connection db = SqlCipherDatabase.open(file, key);
        Statement statement = db.createStatement()) {
      statement.execute("PRAGMA journal_mode = DELETE");
      String hex =
          HexFormat.of()
              .formatHex(newKey.toByteArray(com.google.crypto.tink.InsecureSecretKeyAccess.get()));
      long started = System.nanoTime();
      statement.execute("PRAGMA rekey = \"x'" + hex + "'\"");
      return System.nanoTime() - started;
    }
  }

  /**
   * The vault's database key, read as docs/FORMAT.md (sections 7.2 and 7.5) specifies: the
   * passphrase key unwraps the root key, which unwraps the database key.
   */
  private static SecretBytes databaseKey(Path vaultDir, char[] passphrase)
      throws GeneralSecurityException {
    VaultHeader header = VaultHeaderFile.read(vaultDir);
    KdfParameters kdf;
    try {
      kdf = KdfParameters.fromProto(header.getKdf());
    } catch (KdfParameters.WeakParametersException e) {
      throw new GeneralSecurityException(e);
    }
    byte[] vaultId = header.getVaultId().toByteArray();
    SecretBytes root =
        KeyWrap.unwrap(
            PassphraseKdf.derive(passphrase, kdf),
            header.getRootKeyByPassphrase().toByteArray(),
            AssociatedData.labeled("memvault.v1.root-key.passphrase")
                .bytes(vaultId)
                .bytes(KdfParameters.ALGORITHM.getBytes(StandardCharsets.UTF_8))
                .uint32(kdf.memoryKib())
                .uint32(kdf.iterations())
                .uint32(kdf.parallelism())
                .bytes(kdf.salt())
                .encode());
    return KeyWrap.unwrap(
        root,
        header.getDatabaseKey().toByteArray(),
        AssociatedData.labeled("memvault.v1.database-key")
            .bytes(vaultId)
            .bytes(header.getDeviceId().toByteArray())
            .encode());
  }
}
