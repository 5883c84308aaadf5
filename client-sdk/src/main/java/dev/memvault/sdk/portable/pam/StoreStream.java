package dev.memvault.sdk.portable.pam;

import dev.memvault.core.VaultException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;

/**
 * One pass over a {@code memory-store.json} as a stream of its top-level members, so that a store
 * of any size is read with the heap holding one member's value at a time, or one element at a time
 * of an array member read with {@link #forEachElement}. Each pass also hashes the file's bytes, so
 * that a later pass can tell whether the file changed since the one that checked it.
 */
final class StoreStream {
  private StoreStream() {}

  /** Receives each top-level member of the store. */
  interface Members {
    /**
     * Called with {@code parser} on the first token of member {@code name}'s value; consumes that
     * value and no more ({@link JsonParser#skipChildren} when the member does not matter).
     */
    void member(String name, JsonParser parser);
  }

  /** Receives each element of an array, with its place in the file. */
  interface Elements {
    /**
     * @param number its place in the array, from 1
     * @param offset the byte offset of its first character
     * @param length its length in bytes when it is an object or an array
     */
    void element(int number, JsonNode value, long offset, long length);
  }

  /**
   * Walks {@code file}, which must hold one JSON object; {@code name} names it in messages.
   *
   * @return the SHA-256 of the file's bytes, in hex
   * @throws VaultException.NotFound if there is no such file
   * @throws VaultException.InvalidInput if it is empty, not valid JSON or not a JSON object
   */
  static String walk(Path file, String name, Members members) {
    MessageDigest sha256 = sha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha256);
        JsonParser parser = PamFormat.MAPPER.createParser(in)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new VaultException.InvalidInput(name + " is empty: it is not a PAM export");
      }
      boolean object = first == JsonToken.START_OBJECT;
      if (object) {
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
          String member = parser.currentName();
          parser.nextToken();
          members.member(member, parser);
        }
      } else {
        parser.skipChildren();
      }
      if (parser.nextToken() != null) {
        throw new VaultException.InvalidInput(
            name + " is not valid JSON: it goes on after its value ends");
      }
      if (!object) {
        throw new VaultException.InvalidInput(
            name + " is not a PAM memory store: it is not a JSON object");
      }
    } catch (NoSuchFileException e) {
      throw new VaultException.NotFound("there is no file " + name);
    } catch (JacksonException e) {
      throw JsonFile.invalid(name, e);
    } catch (IOException e) {
      throw new VaultException("cannot read " + name + ": " + e.getMessage(), e);
    }
    return HexFormat.of().formatHex(sha256.digest());
  }

  /**
   * Reads the array {@code parser} is on one element at a time.
   *
   * @return false, having consumed the value, when it is not an array
   */
  static boolean forEachElement(JsonParser parser, Elements elements) {
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      parser.skipChildren();
      return false;
    }
    int number = 0;
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      long offset = parser.currentTokenLocation().getByteOffset();
      JsonNode value = parser.readValueAsTree();
      long end = parser.currentTokenLocation().getByteOffset() + 1;
      elements.element(++number, value, offset, end - offset);
    }
    return true;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }
}
