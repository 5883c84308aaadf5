package dev.memvault.sdk.portable.pam;

import java.util.regex.Pattern;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The names and rules of Portable AI Memory v1.0 that memvault writes and checks (the spec's
 * sections 3 to 15 and 25; docs/FORMAT.md, "PAM").
 */
final class PamFormat {
  static final String STORE_FILE = "memory-store.json";
  static final String CONVERSATIONS_DIRECTORY = "conversations";
  static final String STORE_SCHEMA = "portable-ai-memory";
  static final String CONVERSATION_SCHEMA = "portable-ai-memory-conversation";
  static final String VERSION = "1.0";
  static final String SPEC_URI = "https://portable-ai-memory.org/spec/v1.0";
  static final String CANONICALIZATION = "RFC8785";

  /** This implementation's name in {@code exported_by}, as the spec's "name/semver". */
  static final String EXPORTED_BY = "memvault/0.1.0";

  /**
   * The member of a memory's {@code metadata}, and of a conversation's or message's {@code
   * raw_metadata}, that holds what PAM has no field for, so that memvault reads its own exports
   * back exactly. Both blocks allow any member.
   */
  static final String MEMVAULT_MEMBER = "memvault";

  /** Version numbers this code reads: major version 1, any minor version or prerelease. */
  static final Pattern READABLE_VERSION = Pattern.compile("1\\.[0-9]+(-(rc|alpha|beta)[0-9]*)?");

  static final Pattern VERSION_FORMAT = Pattern.compile("[0-9]+\\.[0-9]+(-(rc|alpha|beta)[0-9]*)?");
  static final Pattern PLATFORM = Pattern.compile("[a-z0-9_-]{2,32}");
  static final Pattern TAG = Pattern.compile("[a-z0-9][a-z0-9_-]*");

  /**
   * A conversation file, which is parsed whole; larger is refused before parsing. The memory store
   * is read as a stream and has no such bound.
   */
  static final long MAX_FILE_BYTES = 512L * 1024 * 1024;

  static final JsonMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxStringLength(64 * 1024 * 1024).build())
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private PamFormat() {}
}
