package dev.memvault.cli;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Asks for a secret on the controlling terminal, {@code /dev/tty}, when standard input or output is
 * redirected and Java sees no console: {@code echo x | memvault add -} and {@code memvault export
 * jsonl > file} still prompt the person at the keyboard, as gpg, ssh and age do. Echo is turned off
 * with {@code stty} on the same terminal while the secret is typed, and back on after.
 */
final class TtyPrompt {
  private static final File TTY = new File("/dev/tty");

  private final FileInputStream in;
  private final OutputStream out;

  private TtyPrompt(FileInputStream in, OutputStream out) {
    this.in = in;
    this.out = out;
  }

  /** The controlling terminal, or empty when the process has none (a service, CI, a pipe). */
  static Optional<TtyPrompt> open() {
    if (!TTY.exists()) {
      return Optional.empty();
    }
    try {
      FileInputStream in = new FileInputStream(TTY);
      try {
        return Optional.of(new TtyPrompt(in, new FileOutputStream(TTY)));
      } catch (IOException e) {
        in.close();
        return Optional.empty();
      }
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The line typed after {@code prompt}, without echo; null at end of input. */
  char[] readSecret(String prompt) {
    boolean echoOff = stty("-echo");
    try {
      out.write(prompt.getBytes(StandardCharsets.UTF_8));
      out.flush();
      char[] line = readLine();
      out.write('\n');
      out.flush();
      return line;
    } catch (IOException e) {
      return null;
    } finally {
      if (echoOff) {
        stty("echo");
      }
    }
  }

  private char[] readLine() throws IOException {
    Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
    int c = reader.read();
    if (c == -1) {
      return null;
    }
    char[] buffer = new char[64];
    int length = 0;
    for (; c != -1 && c != '\n'; c = reader.read()) {
      if (c == '\r') {
        continue;
      }
      if (length == buffer.length) {
        char[] larger = Arrays.copyOf(buffer, length * 2);
        Arrays.fill(buffer, '\0');
        buffer = larger;
      }
      buffer[length++] = (char) c;
    }
    char[] line = Arrays.copyOf(buffer, length);
    Arrays.fill(buffer, '\0');
    return line;
  }

  /** Runs stty on the terminal; whether it succeeded. */
  private static boolean stty(String setting) {
    try {
      Process process =
          new ProcessBuilder("stty", setting)
              .redirectInput(TTY)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      return process.waitFor(5, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
