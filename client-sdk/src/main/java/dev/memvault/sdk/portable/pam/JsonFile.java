package dev.memvault.sdk.portable.pam;

import dev.memvault.core.VaultException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.UnexpectedEndOfInputException;
import tools.jackson.databind.JsonNode;

/**
 * Reads one JSON file of a PAM export whole (a conversation file), failing with one sentence a
 * person can act on.
 */
final class JsonFile {
  private JsonFile() {}

  /**
   * The JSON value of {@code file}; {@code name} names it in messages.
   *
   * @throws VaultException.InvalidInput if it is empty, too large, or not valid JSON
   * @throws VaultException.NotFound if there is no such file
   */
  static JsonNode read(Path file, String name) {
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      throw new VaultException.NotFound("there is no file " + name);
    } catch (IOException e) {
      throw new VaultException("cannot read " + name + ": " + e.getMessage(), e);
    }
    if (size == 0) {
      throw new VaultException.InvalidInput(name + " is empty: it is not a PAM export");
    }
    if (size > PamFormat.MAX_FILE_BYTES) {
      throw new VaultException.InvalidInput(
          name + " is larger than " + PamFormat.MAX_FILE_BYTES / (1024 * 1024) + " MB");
    }
    try (InputStream in = Files.newInputStream(file)) {
      JsonNode node = PamFormat.MAPPER.readTree(in);
      if (node == null || node.isMissingNode()) {
        throw new VaultException.InvalidInput(name + " is empty: it is not a PAM export");
      }
      return node;
    } catch (JacksonException e) {
      throw invalid(name, e);
    } catch (IOException e) {
      throw new VaultException("cannot read " + name + ": " + e.getMessage(), e);
    }
  }

  /** The sentence for a file that is not valid JSON: cut short, or wrong at a line and column. */
  static VaultException.InvalidInput invalid(String name, JacksonException e) {
    if (e instanceof UnexpectedEndOfInputException
        || String.valueOf(e.getOriginalMessage()).startsWith("Unexpected end-of-input")) {
      return new VaultException.InvalidInput(
          name + " ends in the middle of its JSON: it was cut short; export it again");
    }
    String where =
        e.getLocation() != null && e.getLocation().getLineNr() > 0
            ? " at line "
                + e.getLocation().getLineNr()
                + ", column "
                + e.getLocation().getColumnNr()
            : "";
    return new VaultException.InvalidInput(
        name + " is not valid JSON" + where + ": " + e.getOriginalMessage());
  }
}
