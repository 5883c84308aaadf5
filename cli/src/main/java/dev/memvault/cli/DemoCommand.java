package dev.memvault.cli;

import dev.memvault.core.VaultException;
import dev.memvault.core.vault.SearchResult;
import dev.memvault.core.vault.Selection;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.NewMemory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    mixinStandardHelpOptions = true,
    name = "demo",
    description = {
      "Walk through memvault on a temporary vault, narrated.",
      "Needs nothing but a JDK; touches no existing vault."
    })
final class DemoCommand implements Callable<Integer> {
  private static final char[] DEMO_PASSPHRASE = "demo passphrase, not a real one".toCharArray();

  @ParentCommand MemvaultCommand root;

  @Option(names = "--keep", description = "Keep the temporary vault and print where it is.")
  boolean keep;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = root.context.out();
    Path directory = Files.createTempDirectory("memvault-demo-");
    try {
      run(out, directory.resolve("vault"));
    } finally {
      if (keep) {
        out.println("The demo vault is kept at " + directory.resolve("vault")
            + " (passphrase: \"" + new String(DEMO_PASSPHRASE) + "\").");
      } else {
        deleteTree(directory);
      }
    }
    return Main.OK;
  }

  private void run(PrintWriter out, Path vaultDir) throws IOException {
    step(out, "1. Create a vault", "Argon2id (64 MiB, 3 passes) turns the passphrase into the key that wraps the vault's root key.");
    MemoryVault.Created created = MemoryVault.create(vaultDir, DEMO_PASSPHRASE);
    out.println("   vault:        " + vaultDir);
    out.println("   recovery key: " + created.recoveryKey());
    out.println("   (a real vault shows its recovery key once; write it down.)");

    List<NewMemory> samples =
        List.of(
            NewMemory.of("personal", Kind.PREFERENCE, "I am vegetarian; no fish either.")
                .withTags(List.of("diet")),
            NewMemory.of("work", Kind.FACT, "Our team meets in Lisbon every March for planning."),
            NewMemory.of("work", Kind.INSTRUCTION, "Answer in short bullet points; skip pleasantries."),
            NewMemory.of("home", Kind.NOTE, "The Pi-hole runs on 192.168.1.2 and forwards to 9.9.9.9."),
            NewMemory.of("health", Kind.FACT, "Allergic to penicillin.").withTags(List.of("medical")));
    String lisbonId;
    String noteId;
    try (MemoryVault vault = created.vault()) {
      step(out, "2. Add memories", "Each one is encrypted under its scope's own key before it is stored.");
      List<Memory> added = vault.addAll(samples);
      for (Memory memory : added) {
        out.println("   " + MemoryText.row(memory, MemoryText.preview(memory)));
      }
      lisbonId = added.get(1).getId();
      noteId = added.get(3).getId();

      step(out, "3. Search", "Full-text search runs inside the encrypted database; type queries as you would anywhere.");
      search(out, vault, "vegetarian", Selection.all());
      search(out, vault, "pi-hole 9.9.9.9", Selection.all());
      search(out, vault, "lisbon", Selection.all().inScope("work"));

      step(out, "4. Update keeps history", "An update writes a new revision; earlier ones stay readable.");
      vault.update(lisbonId, "Our team meets in Lisbon every April for planning.");
      for (Memory revision : vault.history(lisbonId)) {
        out.println("   revision " + revision.getRevision() + ": " + revision.getText());
      }

      step(out, "5. Forget", "Forgetting deletes the memory and its earlier revisions.");
      vault.forget(noteId);
      out.println("   search 'pi-hole' now finds " + vault.search("pi-hole", Selection.all()).size() + " memories");

      step(out, "6. Scopes", "Scopes will later be shared with AI providers one by one.");
      vault.scopes().forEach(s -> out.println("   " + s.name() + ": " + s.memories()));
    }

    step(out, "7. What is on disk", "The database is SQLCipher: no SQLite header, no readable text.");
    byte[] database = Files.readAllBytes(vaultDir.resolve("vault.db"));
    out.println("   vault.db first 16 bytes: " + HexFormat.ofDelimiter(" ").formatHex(database, 0, 16));
    int found = 0;
    for (NewMemory sample : samples) {
      found += countIn(vaultDir, sample.text());
    }
    out.println("   memory texts found in the vault's files: " + found);

    step(out, "8. A wrong passphrase", "Opening with the wrong passphrase fails and changes nothing.");
    try {
      MemoryVault.open(vaultDir, "not the passphrase".toCharArray()).close();
      out.println("   unexpectedly opened");
    } catch (VaultException.WrongKey e) {
      out.println("   refused: " + e.getMessage());
    }
    out.println();
    out.println("Done. Try it for real: ./memvault init, then ./memvault add --scope work \"...\".");
  }

  private static void search(PrintWriter out, MemoryVault vault, String query, Selection selection) {
    out.println("   search \"" + query + "\"" + selection.scope().map(s -> " in " + s).orElse("") + ":");
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
