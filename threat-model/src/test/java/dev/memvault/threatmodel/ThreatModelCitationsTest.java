package dev.memvault.threatmodel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps THREAT_MODEL.md honest: every test class and test method it cites as holding a promise must
 * exist in the repository's test sources. A promise whose test is renamed or deleted fails the
 * build here.
 */
class ThreatModelCitationsTest {
  private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

  /** `SomethingTest` or `SomethingTest.method_name` or `SomethingTest` (`a`, `b`) in the table. */
  private static final Pattern CITED_CLASS =
      Pattern.compile("`([A-Z][A-Za-z0-9]*Test)(?:\\.([a-z][A-Za-z0-9_]*))?`");

  private static final Pattern CITED_METHOD_LIST =
      Pattern.compile("`([A-Z][A-Za-z0-9]*Test)` \\(([^)]*)\\)");
  private static final Pattern METHOD_NAME = Pattern.compile("`([a-z][A-Za-z0-9_]*)(\\*)?`");

  @Test
  void everyCitedTest_existsInTheTestSources() throws IOException {
    String model = Files.readString(REPOSITORY.resolve("threat-model/THREAT_MODEL.md"));
    Map<String, String> testSources = testSourcesByClassName();
    List<String> missing = new ArrayList<>();
    int citations = 0;

    Matcher classes = CITED_CLASS.matcher(model);
    while (classes.find()) {
      citations++;
      String source = testSources.get(classes.group(1));
      if (source == null) {
        missing.add(classes.group(1));
      } else if (classes.group(2) != null && !source.contains("void " + classes.group(2) + "(")) {
        missing.add(classes.group(1) + "." + classes.group(2));
      }
    }
    Matcher lists = CITED_METHOD_LIST.matcher(model);
    while (lists.find()) {
      String source = testSources.getOrDefault(lists.group(1), "");
      Matcher methods = METHOD_NAME.matcher(lists.group(2));
      while (methods.find()) {
        citations++;
        String method = methods.group(1);
        boolean prefix = methods.group(2) != null;
        if (!source.contains("void " + method + (prefix ? "" : "("))) {
          missing.add(lists.group(1) + "." + method + (prefix ? "*" : ""));
        }
      }
    }
    assertTrue(citations >= 20, "expected the model to cite its tests; found " + citations);
    assertTrue(missing.isEmpty(), "THREAT_MODEL.md cites tests that do not exist: " + missing);
  }

  private static Map<String, String> testSourcesByClassName() throws IOException {
    Map<String, String> sources = new HashMap<>();
    try (Stream<Path> files = Files.walk(REPOSITORY)) {
      for (Path file :
          files
              .filter(p -> p.toString().contains("/src/test/java/"))
              .filter(p -> p.toString().endsWith("Test.java"))
              .filter(p -> !p.toString().contains("/target/"))
              .toList()) {
        String name = file.getFileName().toString().replace(".java", "");
        sources.put(name, Files.readString(file));
      }
    }
    return sources;
  }
}
