package dev.memvault.cli.mcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The arguments of one tool call, read with the checks a model needs to correct itself: each
 * problem is a {@link ToolError} naming the argument and what it takes.
 */
final class ToolArguments {
  private final Map<String, Object> values;

  ToolArguments(Map<String, Object> values) {
    this.values = values == null ? Map.of() : values;
  }

  /** A string that must be there and hold more than spaces. */
  String text(String name) {
    return optionalText(name)
        .orElseThrow(() -> new ToolError("'" + name + "' is required: give it as a string"));
  }

  /** A string that may be left out; a blank one counts as left out. */
  Optional<String> optionalText(String name) {
    Object value = values.get(name);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String text)) {
      throw new ToolError("'" + name + "' must be a string");
    }
    return text.isBlank() ? Optional.empty() : Optional.of(text.strip());
  }

  /** A whole number from {@code min} to {@code max}, {@code fallback} when left out. */
  int number(String name, int fallback, int min, int max) {
    Object value = values.get(name);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number number)
        || number.doubleValue() != Math.rint(number.doubleValue())
        || number.doubleValue() < min
        || number.doubleValue() > max) {
      throw new ToolError("'" + name + "' must be a whole number from " + min + " to " + max);
    }
    return number.intValue();
  }

  /** A list of strings; empty when left out. */
  List<String> texts(String name) {
    Object value = values.get(name);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw new ToolError("'" + name + "' must be a list of strings");
    }
    List<String> result = new ArrayList<>();
    for (Object item : list) {
      if (!(item instanceof String text)) {
        throw new ToolError("'" + name + "' must be a list of strings");
      }
      result.add(text);
    }
    return result;
  }
}
