package dev.memvault.sdk.portable.markdown;

import dev.memvault.core.VaultException;
import dev.memvault.core.vault.VaultExport;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.sdk.MemoryVault;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes a vault's live memories as Markdown for people to read: one file per conversation (title,
 * date, source, its messages in order with typed parts) and {@code memories.md} with the other
 * memories grouped by scope and kind. A one-way export: nothing reads it back.
 *
 * <p>The files are NOT encrypted. Where the file system has POSIX permissions, a directory this
 * creates and every file it writes are readable by their owner only.
 */
public final class MarkdownExporter {
  /** The file that lists every memory that is not a conversation. */
  public static final String MEMORIES_FILE = "memories.md";

  private final VaultExport vault;
  private final Clock clock;
  private final Set<String> scopes;

  public MarkdownExporter(MemoryVault vault) {
    this(vault.exportSource(), Clock.systemUTC(), Set.of());
  }

  private MarkdownExporter(VaultExport vault, Clock clock, Set<String> scopes) {
    this.vault = vault;
    this.clock = clock;
    this.scopes = scopes;
  }

  /** What an export wrote. */
  public record Result(int conversations, int memories, List<Path> files) {
    public Result {
      files = List.copyOf(files);
    }
  }

  /**
   * Only memories in these scopes; none given means every scope.
   *
   * @throws VaultException.UnknownItem if the vault has no scope of one of the names
   */
  public MarkdownExporter onlyScopes(List<String> names) {
    vault.requireScopes(names);
    return new MarkdownExporter(vault, clock, Set.copyOf(names));
  }

  /** The export date in {@code memories.md} from {@code value} (tests). */
  public MarkdownExporter withClock(Clock value) {
    return new MarkdownExporter(vault, value, scopes);
  }

  /**
   * Writes the files into {@code directory}, creating it if missing.
   *
   * @param replace whether to write into a directory that is not empty, replacing files of the same
   *     names
   * @throws VaultException.AlreadyExists if {@code directory} is not empty and {@code replace} is
   *     false; nothing is written then
   */
  public Result writeTo(Path directory, boolean replace) {
    prepare(directory, replace);
    List<Memory> conversations = new ArrayList<>();
    List<Memory> memories = new ArrayList<>();
    vault.exportAll(
        revisions -> {
          Memory current = revisions.get(revisions.size() - 1);
          if (!scopes.isEmpty() && !scopes.contains(current.getScope())) {
            return;
          }
          if (current.getKind() == Kind.CONVERSATION) {
            conversations.add(current);
          } else if (current.getKind() != Kind.MESSAGE) {
            memories.add(current);
          }
        });
    conversations.sort(
        Comparator.comparing((Memory m) -> MarkdownText.instant(m.getCreatedAt()))
            .thenComparing(Memory::getId));

    List<Path> files = new ArrayList<>();
    List<MemoriesPage.Linked> linked = new ArrayList<>();
    Set<String> used = new HashSet<>();
    used.add(MEMORIES_FILE);
    for (Memory conversation : conversations) {
      String name = FileNames.forConversation(conversation, used);
      List<Memory> messages = vault.messages(conversation.getId());
      Path file = directory.resolve(name);
      write(file, ConversationPage.render(conversation, messages));
      files.add(file);
      linked.add(new MemoriesPage.Linked(conversation, name, messages.size()));
    }
    Path index = directory.resolve(MEMORIES_FILE);
    write(index, MemoriesPage.render(memories, linked, clock.instant()));
    files.add(index);
    return new Result(conversations.size(), memories.size(), files);
  }

  private static void prepare(Path directory, boolean replace) {
    if (Files.exists(directory) && !Files.isDirectory(directory)) {
      throw new VaultException.InvalidInput(
          directory + " is a file; name a directory to write into");
    }
    try {
      if (Files.isDirectory(directory)) {
        boolean empty;
        try (Stream<Path> entries = Files.list(directory)) {
          empty = entries.findAny().isEmpty();
        }
        if (!empty && !replace) {
          throw new VaultException.AlreadyExists(directory + " is not empty; nothing was written");
        }
        return;
      }
      if (posix()) {
        Files.createDirectories(
            directory,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectories(directory);
      }
    } catch (IOException e) {
      throw new VaultException("cannot create " + directory + ": " + e.getMessage(), e);
    }
  }

  private static void write(Path file, String text) {
    try {
      if (posix() && !Files.exists(file)) {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      Files.writeString(
          file,
          text,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new VaultException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }
}
