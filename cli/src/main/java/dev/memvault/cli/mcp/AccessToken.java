package dev.memvault.cli.mcp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The bearer token every HTTP request to {@code memvault mcp --http} must carry: whoever holds it
 * reads (and, unless read-only, changes) the served scopes, so it never prints itself and is
 * compared in constant time.
 */
public final class AccessToken {
  /** 256 bits from the generator: not guessable within any number of requests. */
  private static final int RANDOM_BYTES = 32;

  /** A token read from a file must be at least this long, so that it is not guessable either. */
  public static final int MIN_CHARS = 32;

  private final byte[] value;

  private AccessToken(String value) {
    this.value = value.getBytes(StandardCharsets.UTF_8);
  }

  public static AccessToken generate(SecureRandom random) {
    byte[] bytes = new byte[RANDOM_BYTES];
    random.nextBytes(bytes);
    return new AccessToken(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
  }

  /**
   * The first line of {@code file}, without surrounding spaces.
   *
   * @throws IllegalArgumentException if it is shorter than {@link #MIN_CHARS} or has spaces
   * @throws IOException if the file cannot be read
   */
  public static AccessToken fromFile(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("");
    text = text.strip();
    if (text.length() < MIN_CHARS || !text.chars().allMatch(c -> c > ' ' && c < 127)) {
      throw new IllegalArgumentException(
          "the token in "
              + file
              + " must be one line of at least "
              + MIN_CHARS
              + " printable characters without spaces");
    }
    return new AccessToken(text);
  }

  /** Whether {@code presented} is this token; takes the same time wherever they differ. */
  public boolean matches(String presented) {
    return MessageDigest.isEqual(value, presented.getBytes(StandardCharsets.UTF_8));
  }

  /** The token itself, to hand to the person who starts the server, once. */
  public String reveal() {
    return new String(value, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "AccessToken[redacted]";
  }
}
