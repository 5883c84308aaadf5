package dev.memvault.core.vault;

import dev.memvault.core.VaultException;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Part;
import dev.memvault.proto.v1.PartType;
import dev.memvault.proto.v1.Source;
import java.util.regex.Pattern;

/**
 * What a memory must look like to be stored (scope names, kinds, text, tags, ids), and the derived
 * values the store indexes it by. Whose fault a violation is: the caller's, reported as {@link
 * VaultException.InvalidInput} with a sentence a person can act on.
 */
final class MemoryRules {
  private MemoryRules() {}

  static final Pattern SCOPE_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  static final Pattern TAG = Pattern.compile("[^\\s\\p{Cntrl}]{1,64}");

  static void requireScopeName(String scope) {
    if (!SCOPE_NAME.matcher(scope).matches()) {
      throw new VaultException.InvalidInput(
          "scope '"
              + scope
              + "' is not valid: use 1 to 64 lowercase letters, digits, '-' or '_',"
              + " starting with a letter or digit");
    }
  }

  static void validate(Memory memory) {
    requireScopeName(memory.getScope());
    // A kind from a newer format version (UNRECOGNIZED here) is kept as it is.
    if (memory.getKindValue() == Kind.KIND_UNSPECIFIED_VALUE) {
      throw new VaultException.InvalidInput("a memory needs a kind");
    }
    boolean hasTitle =
        memory.getKind() == Kind.CONVERSATION && !memory.getConversation().getTitle().isBlank();
    // A message may be only a tool call, an image or a thinking block: no visible text.
    boolean hasParts = memory.getKind() == Kind.MESSAGE && memory.getMessage().getPartsCount() > 0;
    if (memory.getText().isBlank() && !hasTitle && !hasParts && !memory.getDeleted()) {
      throw new VaultException.InvalidInput("the memory text is empty");
    }
    if (memory.getText().length() > Vault.MAX_TEXT_CHARS) {
      throw new VaultException.InvalidInput(
          "the memory text is longer than " + Vault.MAX_TEXT_CHARS + " characters");
    }
    if (memory.getKind() == Kind.MESSAGE && memory.getMessage().getConversationId().isEmpty()) {
      throw new VaultException.InvalidInput("a message needs the id of its conversation");
    }
    for (String tag : memory.getTagsList()) {
      if (!TAG.matcher(tag).matches()) {
        throw new VaultException.InvalidInput(
            "tag '" + tag + "' is not valid: use 1 to 64 characters without spaces");
      }
    }
  }

  static String searchText(Memory memory) {
    if (memory.getKind() == Kind.CONVERSATION) {
      return (memory.getConversation().getTitle() + "\n" + memory.getText()).strip();
    }
    if (memory.getKind() == Kind.MESSAGE) {
      return messageSearchText(memory);
    }
    return memory.getText();
  }

  /**
   * A message's visible text, then what its other parts say: code, thinking, tool results, an
   * attachment's file name and extracted text, a citation's text. A person looks for a setting they
   * were given in a code block as for anything they read. A tool call's input is left out: it is
   * what a model asked a tool, not what anyone said.
   */
  private static String messageSearchText(Memory memory) {
    StringBuilder text = new StringBuilder(memory.getText());
    for (Part part : memory.getMessage().getPartsList()) {
      if (part.getType() == PartType.TEXT || part.getType() == PartType.TOOL_USE) {
        continue;
      }
      for (String said : new String[] {part.getFileName(), part.getText()}) {
        if (!said.isBlank()) {
          text.append(text.length() == 0 ? "" : "\n").append(said);
        }
      }
    }
    return text.toString();
  }

  static String canonicalId(String id) {
    try {
      return Uuid7.parse(id).toString();
    } catch (IllegalArgumentException e) {
      throw new VaultException.InvalidInput("'" + id + "' is not a memory id");
    }
  }

  static String sourceKey(Memory memory) {
    Source source = memory.getSource();
    if (source.getProvider().isEmpty() || source.getExternalId().isEmpty()) {
      return null;
    }
    return sourceKey(source.getProvider(), source.getExternalId());
  }

  /** Length-prefixed, so no provider name can run into an external id. */
  static String sourceKey(String provider, String externalId) {
    return provider.length() + ":" + provider + ":" + externalId;
  }
}
