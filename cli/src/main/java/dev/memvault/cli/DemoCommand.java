package dev.memvault.cli;

import dev.memvault.core.VaultException;
import dev.memvault.core.grant.ProviderKey;
import dev.memvault.core.meaning.MeaningIndexProgress;
import dev.memvault.core.vault.SearchResult;
import dev.memvault.core.vault.Selection;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.NewMemory;
import dev.memvault.sdk.sync.DeviceInfo;
import dev.memvault.sdk.sync.DeviceJoin;
import dev.memvault.sdk.sync.DeviceLinking;
import dev.memvault.sdk.sync.GrantReader;
import dev.memvault.sdk.sync.SyncClient;
import dev.memvault.sdk.sync.SyncReport;
import dev.memvault.sdk.sync.VaultGrants;
import dev.memvault.server.ServerConfig;
import dev.memvault.server.SyncServer;
import dev.memvault.server.auth.ServerSecret;
import dev.memvault.server.limits.Limits;
import dev.memvault.server.store.EmbeddedSyncStore;
import io.grpc.InsecureServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    mixinStandardHelpOptions = true,
    name = "demo",
    description = {
      "Walk through memvault on a temporary vault, narrated.",
      "Encryption, search, history, then an embedded sync server, a linked phone, sync both ways, revoking the phone, granting an",
      "AI provider one scope and taking it back, and what the server stored.",
      "Needs nothing but a JDK; touches no existing vault; the server listens on 127.0.0.1 only."
    })
final class DemoCommand implements Callable<Integer> {
  private static final char[] DEMO_PASSPHRASE = "demo passphrase, not a real one".toCharArray();
  private static final char[] PHONE_PASSPHRASE = "the phone's own demo passphrase".toCharArray();

  @ParentCommand MemvaultCommand root;

  @Option(names = "--keep", description = "Keep the temporary vault and print where it is.")
  boolean keep;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = root.context.out();
    Path directory = Files.createTempDirectory("memvault-demo-");
    try {
      run(out, directory.resolve("vault"));
      syncStory(out, directory);
    } finally {
      if (keep) {
        out.println(
            "The demo vault is kept at "
                + directory.resolve("vault")
                + " (passphrase: \""
                + new String(DEMO_PASSPHRASE)
                + "\").");
      } else {
        deleteTree(directory);
      }
    }
    return Main.OK;
  }

  private void run(PrintWriter out, Path vaultDir) throws IOException {
    step(
        out,
        "1. Create a vault",
        "Argon2id (64 MiB, 3 passes) turns the passphrase into the key that wraps the vault's root key.");
    MemoryVault.Created created = MemoryVault.create(vaultDir, DEMO_PASSPHRASE);
    out.println("   vault:        " + vaultDir);
    out.println("   recovery key: " + created.recoveryKey());
    out.println("   (a real vault shows its recovery key once; write it down.)");

    List<NewMemory> samples =
        List.of(
            NewMemory.of("personal", Kind.PREFERENCE, "I am vegetarian; no fish either.")
                .withTags(List.of("diet")),
            NewMemory.of("work", Kind.FACT, "Our team meets in Lisbon every March for planning."),
            NewMemory.of(
                "work", Kind.INSTRUCTION, "Answer in short bullet points; skip pleasantries."),
            NewMemory.of(
                "home", Kind.NOTE, "The Pi-hole runs on 192.168.1.2 and forwards to 9.9.9.9."),
            NewMemory.of("health", Kind.FACT, "Allergic to penicillin.")
                .withTags(List.of("medical")));
    String lisbonId;
    String noteId;
    try (MemoryVault vault = created.vault()) {
      step(
          out,
          "2. Add memories",
          "Each one is encrypted under its scope's own key before it is stored.");
      List<Memory> added = vault.addAll(samples);
      for (Memory memory : added) {
        out.println("   " + MemoryText.row(memory, MemoryText.preview(memory)));
      }
      lisbonId = added.get(1).getId();
      noteId = added.get(3).getId();

      step(
          out,
          "3. Search",
          "Full-text search runs inside the encrypted database; type queries as you would anywhere.");
      search(out, vault, "vegetarian", Selection.all());
      search(out, vault, "pi-hole 9.9.9.9", Selection.all());
      search(out, vault, "lisbon", Selection.all().inScope("work"));
      long indexed = vault.indexMeaning(MeaningIndexProgress.NONE);
      out.println(
          "   indexed for meaning by a model on this device (memvault index): "
              + indexed
              + " memories");
      out.println(
          "   \"drug reaction\" shares no word with a memory; by meaning it finds first: "
              + vault.search("drug reaction", Selection.all()).stream()
                  .findFirst()
                  .map(result -> result.memory().getText())
                  .orElse("nothing"));

      step(
          out,
          "4. Update keeps history",
          "An update writes a new revision; earlier ones stay readable.");
      vault.update(lisbonId, "Our team meets in Lisbon every April for planning.");
      for (Memory revision : vault.history(lisbonId)) {
        out.println("   revision " + revision.getRevision() + ": " + revision.getText());
      }

      step(out, "5. Forget", "Forgetting deletes the memory and its earlier revisions.");
      vault.forget(noteId);
      out.println(
          "   search 'pi-hole' now finds "
              + vault.search("pi-hole", Selection.all()).size()
              + " memories");

      step(out, "6. Scopes", "Scopes will later be shared with AI providers one by one.");
      vault.scopes().forEach(s -> out.println("   " + s.name() + ": " + s.memories()));
    }

    step(
        out,
        "7. What is on disk",
        "The database is SQLCipher: no SQLite header, no readable text.");
    byte[] database = Files.readAllBytes(vaultDir.resolve("vault.db"));
    out.println(
        "   vault.db first 16 bytes: " + HexFormat.ofDelimiter(" ").formatHex(database, 0, 16));
    int found = 0;
    for (NewMemory sample : samples) {
      found += countIn(vaultDir, sample.text());
    }
    out.println("   memory texts found in the vault's files: " + found);

    step(
        out,
        "8. A wrong passphrase",
        "Opening with the wrong passphrase fails and changes nothing.");
    try {
      MemoryVault.open(vaultDir, "not the passphrase".toCharArray()).close();
      out.println("   unexpectedly opened");
    } catch (VaultException.WrongKey e) {
      out.println("   refused: " + e.getMessage());
    }
  }

  /**
   * Steps 9 to 16: the demo vault becomes a laptop that syncs with a phone through a server,
   * revokes the phone, and grants an AI provider one scope for a while.
   */
  private void syncStory(PrintWriter out, Path directory) throws IOException {
    Path laptopDir = directory.resolve("vault");
    Path serverData = Files.createDirectories(directory.resolve("server-data"));
    step(
        out,
        "9. Start a sync server",
        "Embedded storage, on this machine only; it will see ciphertext and opaque ids.");
    EmbeddedSyncStore store = EmbeddedSyncStore.open(serverData, Limits.DEFAULTS.storeLimits());
    SyncServer server =
        new SyncServer(
            NettyServerBuilder.forAddress(
                new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create()),
            store,
            ServerConfig.builder("memvault-demo-server", ServerSecret.generate(new SecureRandom()))
                .shutdownGrace(Duration.ofSeconds(1))
                .build());
    server.start();
    String url = "http://127.0.0.1:" + server.port();
    out.println("   listening on " + url + ", storing under " + serverData);
    try (MemoryVault laptop = MemoryVault.open(laptopDir, DEMO_PASSPHRASE)) {
      step(
          out,
          "10. Sync the laptop",
          "The first sync registers the vault and this device (an Ed25519 key) with the server.");
      try (SyncClient client = SyncClient.connect(laptop, url)) {
        SyncReport report = client.sync();
        out.println(
            "   pushed "
                + report.pushed()
                + " encrypted changes; the log is at entry "
                + report.seq());

        step(
            out,
            "11. Link a phone",
            "The laptop shows a one-time code; the phone sends its keys, the laptop approves and seals the vault key to the phone (HPKE).");
        DeviceLinking linking = DeviceLinking.start(client);
        out.println("   pairing code: " + linking.code().toDisplayString());
        DeviceJoin.Joined joined = joinInBackground(linking, directory.resolve("phone"), url);
        try (MemoryVault phone = joined.vault()) {
          out.println(
              "   the phone joined as device "
                  + phone.deviceId().substring(0, 8)
                  + "... and pulled "
                  + joined.firstSync().pulled()
                  + " changes");
          search(out, phone, "lisbon", Selection.all());

          step(
              out,
              "12. Sync both ways",
              "The phone writes; the laptop pulls, checks the phone's signature and the log's hash chain, and merges.");
          phone.add(NewMemory.of("personal", Kind.PREFERENCE, "Window seat on long flights."));
          try (SyncClient phoneClient = SyncClient.connect(phone, url)) {
            out.println("   phone pushed " + phoneClient.sync().pushed() + " change(s)");
          }
          out.println(
              "   laptop pulled " + client.sync().revisionsApplied() + " memory revision(s)");
          search(out, laptop, "window seat", Selection.all());
          out.println("   devices of the vault (a signed chain every device verifies):");
          for (DeviceInfo device : client.devices()) {
            out.println(
                "     "
                    + device.id().substring(0, 8)
                    + "..."
                    + (device.thisDevice()
                        ? "  this laptop"
                        : "  the phone, approved by the laptop"));
          }

          step(
              out,
              "13. Revoke the phone",
              "A lost phone: the laptop revokes it and starts a new key epoch sealed to the remaining devices only; memories written afterwards stay unreadable to the phone, whatever a server hands it.");
          client.revoke(phone.deviceId());
          out.println(
              "   the phone is revoked; key epoch "
                  + laptop.replica().currentKeyEpoch()
                  + " is sealed to this laptop only, and every scope key rotated under it");
          laptop.add(NewMemory.of("health", Kind.FACT, "New dentist from March: Dr. Okafor."));
          client.sync();
          try (SyncClient phoneClient = SyncClient.connect(phone, url)) {
            phoneClient.sync();
            out.println("   unexpectedly, the phone synced");
          } catch (VaultException refused) {
            out.println("   the phone's sync is refused: " + refused.getMessage());
          }
          out.println(
              "   the phone finds the new memory: "
                  + !phone.search("dentist", Selection.all()).isEmpty());
        }
        grantStory(out, client, url);
      }
    } finally {
      server.close();
      store.close();
    }

    step(
        out,
        "16. What the server stored",
        "Only what sync needs: vault and device ids, public keys, padded ciphertext, hashes.");
    int found = 0;
    try (Stream<Path> files = Files.list(serverData)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        byte[] stored = Files.readAllBytes(file);
        out.println("   " + file.getFileName() + ": " + stored.length + " bytes");
        for (String text :
            List.of(
                "vegetarian",
                "Lisbon",
                "penicillin",
                "Window seat",
                "dentist",
                "personal",
                "health",
                "acme-assistant")) {
          found += indexOf(stored, text.getBytes(StandardCharsets.UTF_8)) >= 0 ? 1 : 0;
        }
      }
    }
    out.println("   memory texts, tags or scope names found in the server's storage: " + found);
    out.println();
    out.println(
        "Done. Try it for real: ./memvault init, then ./memvault add --scope work \"...\";");
    out.println(
        "to sync: ./memvault server --data ./server-data, ./memvault sync --server http://127.0.0.1:7443,");
    out.println("then ./memvault device link on this machine and ./memvault join on the other.");
    out.println("To let an AI provider read one scope: ./memvault grant create --help.");
  }

  /** The phone's side of linking, while the laptop approves on another thread. */
  private static DeviceJoin.Joined joinInBackground(
      DeviceLinking linking, Path phoneDir, String url) {
    ExecutorService laptopSide = Executors.newSingleThreadExecutor();
    try {
      Future<String> approved = laptopSide.submit(() -> linking.approve(Duration.ofMinutes(1)));
      DeviceJoin.Joined joined =
          DeviceJoin.withCode(
              phoneDir, PHONE_PASSPHRASE, url, linking.code(), Duration.ofMinutes(1));
      approved.get(1, TimeUnit.MINUTES);
      return joined;
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException runtime
          ? runtime
          : new VaultException("linking failed: " + e.getCause().getMessage(), e.getCause());
    } catch (java.util.concurrent.TimeoutException | InterruptedException e) {
      throw new VaultException("linking did not finish in time");
    } finally {
      laptopSide.shutdownNow();
    }
  }

  private static void search(
      PrintWriter out, MemoryVault vault, String query, Selection selection) {
    out.println(
        "   search \"" + query + "\"" + selection.scope().map(s -> " in " + s).orElse("") + ":");
    for (SearchResult result : vault.search(query, selection)) {
      out.println("     " + MemoryText.row(result.memory(), result.snippet()));
    }
  }

  private static int countIn(Path directory, String text) throws IOException {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    int count = 0;
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        byte[] haystack = Files.readAllBytes(file);
        if (indexOf(haystack, needle) >= 0) {
          count++;
        }
      }
    }
    return count;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Steps 14 and 15: one AI provider reads one scope, until the person takes it back. */
  private static void grantStory(PrintWriter out, SyncClient client, String url) {
    step(
        out,
        "14. Grant an AI provider one scope",
        "The provider makes a key pair; the laptop grants it 'work' for 30 days: that scope's keys sealed to the provider's key, no other key.");
    ProviderKey acme = ProviderKey.generate();
    VaultGrants grants = new VaultGrants(client, Clock.systemUTC());
    VaultGrants.Created created =
        grants.create(
            "acme-assistant",
            acme.publicKey(),
            List.of("work"),
            Instant.now().plus(Duration.ofDays(30)));
    out.println(
        "   the provider gets the server URL and this grant: "
            + created.reference().format().substring(0, 20)
            + "...");
    try (GrantReader reader = GrantReader.connect(url, acme, created.reference())) {
      GrantReader.GrantedMemories read = reader.read();
      out.println(
          "   the provider reads "
              + read.memories().size()
              + " memories, all of scope work: "
              + read.memories().stream().allMatch(m -> m.getScope().equals("work")));
      step(
          out,
          "15. Take the grant back",
          "The server refuses the provider at once, and the work keys rotate: what is written from now on stays unreadable to it. What it read before stays read.");
      grants.revoke("acme-assistant");
      try {
        reader.read();
        out.println("   unexpectedly, the provider read again");
      } catch (VaultException refused) {
        out.println("   the provider's next read is refused: " + refused.getMessage());
      }
    }
  }

  private static void step(PrintWriter out, String title, String why) {
    out.println();
    out.println(title);
    out.println("   " + why);
  }

  private static void deleteTree(Path directory) throws IOException {
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
