package dev.memvault.protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The known answers printed in proto/README.md, read from the document so that a test comparing the
 * code with them also keeps the document true.
 */
final class ProtoReadmeVectors {
  // Maven runs tests with the module directory (sync-protocol/) as the working directory.
  private static final Path PROTO_README = Path.of("..", "proto", "README.md");
  private static final Pattern LABELED = Pattern.compile("^(\\S(?:.*?\\S)?) {2,}([0-9a-f]+)$");
  private static final Pattern CONTINUED = Pattern.compile("^\\s+([0-9a-f]+)$");

  private ProtoReadmeVectors() {}

  /**
   * The {@code label hex} values (a value may go on in indented lines) of the first code block
   * after the paragraph of proto/README.md that starts with {@code paragraph}.
   */
  static Map<String, String> values(String paragraph) {
    List<String> lines;
    try {
      lines = Files.readAllLines(PROTO_README, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int at = 0;
    while (!lines.get(at).startsWith(paragraph)) {
      at++;
    }
    while (!lines.get(at).startsWith("```")) {
      at++;
    }
    Map<String, String> values = new LinkedHashMap<>();
    String last = null;
    for (int i = at + 1; !lines.get(i).startsWith("```"); i++) {
      Matcher more = CONTINUED.matcher(lines.get(i));
      Matcher first = LABELED.matcher(lines.get(i));
      if (last != null && more.matches()) {
        values.merge(last, more.group(1), String::concat);
      } else if (first.matches()) {
        last = first.group(1);
        values.put(last, first.group(2));
      }
    }
    return values;
  }
}
