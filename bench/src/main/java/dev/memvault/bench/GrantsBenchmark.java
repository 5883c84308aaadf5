package dev.memvault.bench;

import dev.memvault.core.grant.ProviderKey;
import dev.memvault.core.vault.Selection;
import dev.memvault.proto.v1.Kind;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.NewMemory;
import dev.memvault.sdk.sync.GrantReader;
import dev.memvault.sdk.sync.GrantReference;
import dev.memvault.sdk.sync.GrantedVault;
import dev.memvault.sdk.sync.SyncClient;
import dev.memvault.sdk.sync.VaultGrants;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a provider's search through a grant costs next to a device's local search of the same scope:
 * a vault with {@code memories} memories in two scopes, one of them granted, through the real
 * server (its own process) over TCP on 127.0.0.1. {@code provider search} reads the whole grant
 * (sign-in, chain, every granted revision verified and opened) into a throwaway vault and searches
 * it; {@code provider mcp} pays that once at start and then searches the throwaway vault.
 */
final class GrantsBenchmark {
  private static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();
  private static final int COLD_RUNS = 3;
  private static final int WARM_RUNS = 50;

  /**
   * @param granted memories in the granted scope
   * @param coldNanos a whole {@code provider search}: read the grant, build the vault, search
   * @param warmNanos one search of the provider's vault once read (as {@code provider mcp})
   * @param localNanos the same search on the person's own vault, scoped to the granted scope
   */
  record Result(
      int memories, int granted, Samples coldNanos, Samples warmNanos, Samples localNanos) {}

  private GrantsBenchmark() {}

  static Result run(Path directory, Path serverJar, Corpus corpus, int memories) throws Exception {
    Files.createDirectories(directory);
    try (ServerProcess server =
            ServerProcess.embedded(
                serverJar,
                directory.resolve("server"),
                directory.resolve("server.log"),
                SyncBenchMain.UNLIMITED);
        MemoryVault laptop = MemoryVault.create(directory.resolve("laptop"), PASSPHRASE).vault()) {
      List<NewMemory> batch = new ArrayList<>();
      int granted = 0;
      for (int i = 0; i < memories; i++) {
        String scope = i % 2 == 0 ? "work" : "personal";
        granted += scope.equals("work") ? 1 : 0;
        batch.add(NewMemory.of(scope, Kind.NOTE, corpus.document(i).text()));
        if (batch.size() == 1_000) {
          laptop.addAll(batch);
          batch.clear();
        }
      }
      laptop.addAll(batch);
      ProviderKey acme = ProviderKey.generate();
      GrantReference grant;
      try (SyncClient client = SyncClient.connect(laptop, server.url())) {
        client.sync();
        grant =
            new VaultGrants(client, Clock.systemUTC())
                .create(
                    "bench",
                    acme.publicKey(),
                    List.of("work"),
                    Clock.systemUTC().instant().plus(Duration.ofDays(1)))
                .reference();
      }
      String query = corpus.token(40) + " " + corpus.token(200);
      Samples cold = new Samples();
      Samples warm = new Samples();
      Samples local = new Samples();
      for (int run = 0; run < COLD_RUNS; run++) {
        long start = System.nanoTime();
        try (GrantReader reader = GrantReader.connect(server.url(), acme, grant);
            GrantedVault read = GrantedVault.read(reader)) {
          read.vault().search(query, Selection.all());
          cold.add(System.nanoTime() - start);
          if (run == COLD_RUNS - 1) {
            for (int i = 0; i < WARM_RUNS; i++) {
              long warmStart = System.nanoTime();
              read.vault().search(query, Selection.all());
              warm.add(System.nanoTime() - warmStart);
            }
          }
        }
      }
      for (int i = 0; i < WARM_RUNS; i++) {
        long start = System.nanoTime();
        laptop.search(query, Selection.all().inScope("work"));
        local.add(System.nanoTime() - start);
      }
      return new Result(memories, granted, cold, warm, local);
    }
  }
}
