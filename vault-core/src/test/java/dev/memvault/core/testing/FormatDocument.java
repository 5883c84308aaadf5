package dev.memvault.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The known answers printed in docs/FORMAT.md, read from the document so that a test comparing the
 * code with them also keeps the document true.
 */
public final class FormatDocument {
  // Maven runs tests with the module directory (vault-core/) as the working directory.
  private static final Path FORMAT_MD = Path.of("..", "docs", "FORMAT.md");
  private static final Pattern LABELED = Pattern.compile("^(\\S(?:.*?\\S)?) {2,}(\\S.*)$");
  private static final Pattern CONTINUED = Pattern.compile("^\\s+([0-9a-f][0-9a-f ]*)$");

  private FormatDocument() {}

  /**
   * The lines of each fenced code block of the section whose heading starts with {@code "### " +
   * number} (such as "11.3 "), trailing blanks removed.
   */
  public static List<List<String>> codeBlocks(String number) {
    List<String> lines;
    try {
      lines = Files.readAllLines(FORMAT_MD, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int at = 0;
    while (!lines.get(at).startsWith("### " + number)) {
      at++;
    }
    List<List<String>> blocks = new ArrayList<>();
    List<String> block = null;
    for (int i = at + 1; i < lines.size() && !lines.get(i).startsWith("#"); i++) {
      String line = lines.get(i);
      if (line.startsWith("```")) {
        if (block == null) {
          block = new ArrayList<>();
        } else {
          blocks.add(block);
          block = null;
        }
      } else if (block != null) {
        block.add(line.stripTrailing());
      }
    }
    return blocks;
  }

  /** The values of the last code block of section {@code number}, by label ({@link #labeled}). */
  public static Map<String, String> lastBlockValues(String number) {
    List<List<String>> blocks = codeBlocks(number);
    return labeled(blocks.get(blocks.size() - 1));
  }

  /**
   * A block of {@code label value} lines, where a value may go on in indented hex lines (the label
   * is everything before the first run of two or more spaces).
   */
  public static Map<String, String> labeled(List<String> block) {
    Map<String, String> values = new LinkedHashMap<>();
    String last = null;
    for (String line : block) {
      Matcher continued = CONTINUED.matcher(line);
      Matcher labeled = LABELED.matcher(line);
      if (last != null && continued.matches()) {
        values.merge(last, continued.group(1).replace(" ", ""), String::concat);
      } else if (labeled.matches()) {
        last = labeled.group(1);
        values.put(last, labeled.group(2).strip());
      }
    }
    return values;
  }

  /** The bytes of a hex value as printed (spaces between groups allowed). */
  public static byte[] hex(String text) {
    return HexFormat.of().parseHex(text.replace(" ", ""));
  }
}
