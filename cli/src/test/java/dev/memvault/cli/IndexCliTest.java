package dev.memvault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code memvault index} and search by meaning as a person uses them: real processes, the bundled
 * model, a vault on disk.
 */
class IndexCliTest {
  private static final String PASSPHRASE = "index cli passphrase";

  @TempDir Path temp;

  private CliRunner vaultWithFacts() {
    CliRunner cli = new CliRunner(temp.resolve("vault"), PASSPHRASE);
    assertSuccess(cli.run("init"));
    assertSuccess(
        cli.run("add", "--scope", "home", "--kind", "fact", "Penicillin gives me hives."));
    assertSuccess(cli.run("add", "--scope", "home", "We adopted a beagle called Biscuit."));
    assertSuccess(cli.run("add", "--scope", "work", "Deploys go out on Tuesdays."));
    return cli;
  }

  @Test
  void search_otherWordsBeforeAndAfterIndex_foundOnlyAfter() {
    CliRunner cli = vaultWithFacts();

    CliRunner.Result before = cli.run("search", "drug", "allergy");
    assertSuccess(before);
    assertTrue(before.out().isEmpty(), before.out());
    assertTrue(before.err().contains("no memories match"), before.err());
    assertTrue(before.err().contains("run 'memvault index'"), before.err());

    CliRunner.Result index = cli.run("index");
    assertSuccess(index);
    assertTrue(index.out().contains("indexed 3 memories for search by meaning"), index.out());
    assertTrue(index.out().contains("3 of 3 memories indexed for meaning"), index.out());
    assertTrue(index.err().contains("indexing for meaning: 3 of 3 memories (100%)"), index.err());

    CliRunner.Result after = cli.run("search", "drug", "allergy");
    assertSuccess(after);
    assertTrue(after.outLines().get(0).contains("Penicillin gives me hives"), after.out());
    assertEquals("", after.err());
  }

  @Test
  void index_status_countsWithoutIndexing() {
    CliRunner cli = vaultWithFacts();
    assertSuccess(cli.run("index"));
    assertSuccess(cli.run("add", "--scope", "home", "The boiler service is due in October."));

    CliRunner.Result status = cli.run("index", "--status");
    assertSuccess(status);
    assertTrue(status.out().contains("3 of 4 memories indexed for meaning"), status.out());
    assertTrue(status.out().contains("run 'memvault index' to index the other 1"), status.out());
    CliRunner.Result search = cli.run("search", "boiler");
    assertTrue(search.outLines().get(0).contains("boiler service"), search.out());
    assertTrue(search.err().contains("found by words only"), search.err());

    CliRunner.Result one = cli.run("index");
    assertSuccess(one);
    assertTrue(one.out().contains("indexed 1 memory for search by meaning"), one.out());
    assertTrue(one.out().contains("4 of 4 memories indexed for meaning"), one.out());
  }

  @Test
  void damagedModel_indexFailsInOneLine_searchKeepsToWordsAndSaysHowToRepair() throws Exception {
    CliRunner cli = vaultWithFacts();
    assertSuccess(cli.run("index"));
    Path model = Files.createDirectories(temp.resolve("model"));
    Files.write(model.resolve("model.onnx"), new byte[] {0, 1, 2, 3});
    Files.writeString(model.resolve("tokenizer.json"), "{");
    CliRunner damaged = cli.withEnv("MEMVAULT_EMBEDDING_MODEL", model.toString());

    CliRunner.Result index = damaged.run("index");
    assertEquals(1, index.exitCode(), index.err());
    assertEquals(1, index.err().strip().lines().count(), index.err());
    assertTrue(index.err().contains("could not be loaded"), index.err());
    assertTrue(index.err().contains("MEMVAULT_EMBEDDING_MODEL"), index.err());
    assertFalse(index.err().contains("Exception\n\tat "), index.err());

    CliRunner.Result search = damaged.run("search", "penicillin");
    assertSuccess(search);
    assertTrue(search.outLines().get(0).contains("Penicillin"), search.out());
    // The bundled model's vectors are still there: the vault goes back to them when unset.
    assertSuccess(cli.run("index", "--status"));
    assertTrue(cli.run("index", "--status").out().contains("3 of 3"));
  }

  private static void assertSuccess(CliRunner.Result result) {
    assertEquals(0, result.exitCode(), result.out() + result.err());
  }
}
