package dev.memvault.cli;

import dev.memvault.core.VaultException;
import dev.memvault.core.vault.Vault;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The text of a memory from the arguments, or from standard input when it is "-". */
final class TextInput {
  private TextInput() {}

  static String read(List<String> words, CliContext context) {
    if (words == null || words.isEmpty()) {
      throw new Main.UsageException("give the text, or '-' to read it from standard input");
    }
    if (words.size() == 1 && words.get(0).equals("-")) {
      return readAll(context.in());
    }
    if (words.contains("-")) {
      throw new Main.UsageException("'-' reads the text from standard input; give it alone");
    }
    return String.join(" ", words);
  }

  private static String readAll(InputStream in) {
    try {
      // Read one byte past the limit (4 bytes per char at most) to tell "too long" apart.
      byte[] bytes = in.readNBytes(Vault.MAX_TEXT_CHARS * 4 + 1);
      if (bytes.length > Vault.MAX_TEXT_CHARS * 4) {
        throw new VaultException.InvalidInput("standard input is too long for one memory");
      }
      return new String(bytes, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new VaultException("cannot read standard input: " + e.getMessage(), e);
    }
  }
}
