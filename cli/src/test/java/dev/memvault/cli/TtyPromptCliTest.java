package dev.memvault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The passphrase typed on the controlling terminal while standard input and output are redirected:
 * the CLI runs under {@code script}, which gives it a pseudo-terminal as a person's shell would,
 * with its input piped and its output sent to a file.
 */
class TtyPromptCliTest {
  private static final String PASSPHRASE = "typed at the keyboard";

  @TempDir Path temp;

  @Test
  void add_textPipedAndOutputRedirected_passphraseAskedOnTheTerminal() throws Exception {
    Path vault = temp.resolve("vault");
    CliRunner withEnvironment = new CliRunner(vault, PASSPHRASE);
    assertEquals(0, withEnvironment.run("init").exitCode());
    Path output = temp.resolve("out.txt");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String command =
        "echo 'piped memory about marmalade' | '"
            + java
            + "' -cp '"
            + System.getProperty("java.class.path")
            + "' "
            + Main.class.getName()
            + " add --vault '"
            + vault
            + "' - > '"
            + output
            + "'; echo \"exit=$?\"";
    ProcessBuilder builder =
        new ProcessBuilder(List.of("script", "-qec", command, "/dev/null"))
            .redirectErrorStream(true);
    builder.environment().remove("MEMVAULT_PASSPHRASE");
    builder.environment().remove("MEMVAULT_PASSPHRASE_COMMAND");
    Process process = builder.start();
    try (OutputStream keyboard = process.getOutputStream()) {
      keyboard.write((PASSPHRASE + "\n").getBytes(StandardCharsets.UTF_8));
      keyboard.flush();
      String terminal = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(process.waitFor(2, TimeUnit.MINUTES), terminal);

      assertTrue(terminal.contains("Passphrase: "), terminal);
      assertTrue(terminal.contains("exit=0"), terminal);
    }
    String id = Files.readString(output).strip();
    assertTrue(id.matches("[0-9a-f-]{36}"), "stdout went to the file: " + id);
    CliRunner.Result shown = withEnvironment.run("show", id);
    assertTrue(shown.out().contains("piped memory about marmalade"), shown.out());
  }

  @Test
  void list_noTerminalAtAll_refusedInOneLineAsBefore() throws Exception {
    Path vault = temp.resolve("vault");
    assertEquals(0, new CliRunner(vault, PASSPHRASE).run("init").exitCode());
    // A new session without a controlling terminal (setsid), as a service or CI job has, whether
    // or not this test itself runs at a terminal.
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    "setsid",
                    "-w",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    Main.class.getName(),
                    "list",
                    "--vault",
                    vault.toString()))
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().remove("MEMVAULT_PASSPHRASE");
    builder.environment().remove("MEMVAULT_PASSPHRASE_COMMAND");
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(2, TimeUnit.MINUTES), err);

    assertEquals(1, process.exitValue(), err);
    assertEquals("", out);
    assertTrue(err.contains("no terminal to ask for it"), err);
    assertFalse(err.strip().contains("\n"), err);
  }
}
