package dev.memvault.sdk.portable.provider;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.vault.Selection;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Link;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Message;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.TestEngines;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/** The provider fixtures (src/test/resources/provider), vaults to import them into, and lookups. */
final class Fixtures {
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final Path CHATGPT_JSON = resource("chatgpt/conversations.json");
  static final Path CHATGPT_ZIP = resource("chatgpt/chatgpt-export.zip");
  static final Path CHATGPT_INSTRUCTIONS = resource("chatgpt/custom-instructions.json");
  static final Path CLAUDE_JSON = resource("claude/conversations.json");
  static final Path CLAUDE_ZIP = resource("claude/claude-export.zip");
  static final Path CLAUDE_FULL_ZIP = resource("claude-with-memories/claude-export.zip");
  static final Path CLAUDE_MEMORIES = resource("claude-with-memories/memories.json");
  static final Path CLAUDE_PROJECTS = resource("claude-with-memories/projects.json");
  static final Path GEMINI_JSON = resource("gemini/MyActivity.json");
  static final Path GEMINI_ZIP = resource("gemini/takeout.zip");
  static final Path GROK_JSON = resource("grok/prod-grok-backend.json");
  static final Path GROK_ZIP = resource("grok/grok-export.zip");

  private Fixtures() {}

  static Path resource(String name) {
    try {
      return Path.of(Fixtures.class.getResource("/provider/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static MemoryVault newVault(Path directory) {
    return MemoryVault.create(directory, "a passphrase".toCharArray()).vault();
  }

  static ImportSummary importInto(MemoryVault vault, Provider provider, Path export) {
    return ProviderImporter.run(vault, provider, export, ImportOptions.defaults());
  }

  /** A fixture as a tree, to change before writing it out again. */
  static ArrayNode tree(Path fixture) {
    return (ArrayNode) JSON.readTree(fixture.toFile());
  }

  static Path write(Path directory, String fileName, JsonNode export) {
    Path file = directory.resolve(fileName);
    JSON.writeValue(file.toFile(), export);
    return file;
  }

  static Path zip(Path directory, String zipName, String entryName, byte[] content) {
    Path file = directory.resolve(zipName);
    try (OutputStream out = Files.newOutputStream(file);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry(entryName));
      zip.write(content);
      zip.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** The memory imported with this provider id; fails the test when there is none. */
  static Memory imported(MemoryVault vault, String provider, String externalId) {
    Optional<dev.memvault.core.vault.SourceMatch> match =
        TestEngines.engine(vault).findBySource(provider, externalId);
    assertTrue(match.isPresent(), "nothing imported as " + provider + " " + externalId);
    return vault.get(match.get().id());
  }

  /**
   * Every memory of a vault as lines that name memories by their provider ids instead of their
   * vault ids, so that two vaults that imported the same data compare equal.
   */
  static List<String> describeAll(MemoryVault vault) {
    Map<String, String> external = new HashMap<>();
    List<Memory> all = new ArrayList<>();
    for (Memory memory : vault.list(Selection.all().limitedTo(Selection.MAX_LIMIT))) {
      all.add(memory);
      if (memory.getKind() == Kind.CONVERSATION) {
        all.addAll(vault.messages(memory.getId()));
      }
    }
    for (Memory memory : all) {
      external.put(memory.getId(), memory.getSource().getExternalId());
    }
    List<String> lines = new ArrayList<>();
    for (Memory memory : all) {
      Memory.Builder named = memory.toBuilder().clearId().clearUpdatedAt().clearHlc();
      if (memory.hasMessage()) {
        Message message = memory.getMessage();
        named.setMessage(
            message.toBuilder()
                .setConversationId(external.getOrDefault(message.getConversationId(), "?"))
                .setParentId(external.getOrDefault(message.getParentId(), ""))
                .setBranch(external.getOrDefault(message.getBranch(), "")));
      }
      named.clearLinks();
      for (Link link : memory.getLinksList()) {
        named.addLinks(
            link.toBuilder().setTargetId(external.getOrDefault(link.getTargetId(), "?")));
      }
      lines.add(named.build().toString());
    }
    Collections.sort(lines);
    return lines;
  }

  /** The visible thread of a conversation (branch empty), in position order. */
  static List<Memory> visibleThread(MemoryVault vault, Memory conversation) {
    return vault.messages(conversation.getId()).stream()
        .filter(m -> m.getMessage().getBranch().isEmpty())
        .sorted(java.util.Comparator.comparingInt(m -> m.getMessage().getPosition()))
        .toList();
  }

  static boolean anyImported(MemoryVault vault, String provider, String externalId) {
    return TestEngines.engine(vault).findBySource(provider, externalId).isPresent();
  }
}
