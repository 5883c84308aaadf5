package dev.memvault.protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The known answers printed in sync-server/LOG_FORMAT.md, read from the document so that a test
 * comparing the code with them also keeps the document true.
 */
final class LogFormatVectors {
  // Maven runs tests with the module directory (sync-protocol/) as the working directory.
  private static final Path LOG_FORMAT_MD = Path.of("..", "sync-server", "LOG_FORMAT.md");
  private static final Pattern LABELED =
      Pattern.compile("^(\\S(?:.*?\\S)?) +([0-9a-f]{64})(?:\\s.*)?$");

  private LogFormatVectors() {}

  /**
   * Every 32-byte hex value printed after {@code label} in the code blocks of the {@code ## }
   * section whose heading starts with {@code section}, in the document's order.
   */
  static List<String> values(String section, String label) {
    List<String> lines;
    try {
      lines = Files.readAllLines(LOG_FORMAT_MD, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int at = 0;
    while (!lines.get(at).startsWith("## " + section)) {
      at++;
    }
    List<String> values = new ArrayList<>();
    boolean inBlock = false;
    for (int i = at + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
      String line = lines.get(i);
      if (line.startsWith("```")) {
        inBlock = !inBlock;
        continue;
      }
      Matcher labeled = LABELED.matcher(line);
      if (inBlock && labeled.matches() && labeled.group(1).equals(label)) {
        values.add(labeled.group(2));
      }
    }
    if (values.isEmpty()) {
      throw new AssertionError("LOG_FORMAT.md, '" + section + "', prints no " + label);
    }
    return values;
  }
}
