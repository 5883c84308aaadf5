package dev.memvault.sdk.portable.provider.internal;

import dev.memvault.core.VaultException;
import dev.memvault.sdk.portable.provider.ExportFormatException;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * One JSON file of an export (its {@code conversations.json}, or another {@link ExportEntry}),
 * opened for streaming: from inside the export's zip (inflated as it is read, never extracted),
 * from a directory the zip was unpacked into, or the file itself. Counts the bytes read, for
 * progress.
 */
public final class ExportInput implements AutoCloseable {
  public static final String CONVERSATIONS_JSON = "conversations.json";

  /** Deep enough for Takeout's {@code Takeout/My Activity/Gemini Apps/} and xAI's folders. */
  private static final int MAX_FOLDER_DEPTH = 8;

  private final ZipFile zip;
  private final CountingInputStream stream;
  private final long totalBytes;
  private final String description;

  private ExportInput(ZipFile zip, InputStream stream, long totalBytes, String description) {
    this.zip = zip;
    this.stream = new CountingInputStream(stream);
    this.totalBytes = totalBytes;
    this.description = description;
  }

  /**
   * The export's {@code conversations.json}.
   *
   * @param exportName what the person calls the export, such as "a ChatGPT data export"
   * @throws VaultException.NotFound if there is no such file
   * @throws ExportFormatException if it is a zip without {@code conversations.json} or a damaged
   *     zip
   */
  public static ExportInput open(Path path, String exportName) {
    return open(path, exportName, ExportEntry.named(CONVERSATIONS_JSON));
  }

  /**
   * The file {@code wanted} of the export at {@code path}: inside it when it is a zip or a folder,
   * else the file itself.
   *
   * @throws VaultException.NotFound if there is no such file
   * @throws ExportFormatException if it is a zip or folder without the file, or a damaged zip
   */
  public static ExportInput open(Path path, String exportName, ExportEntry wanted) {
    return find(path, wanted)
        .orElseThrow(
            () ->
                new ExportFormatException(
                    wanted.whenMissing(path, Files.isDirectory(path), exportName, listing(path))));
  }

  /**
   * The file {@code wanted} inside the zip or folder at {@code path}, or empty when it holds none;
   * the file itself when {@code path} is neither.
   *
   * @throws VaultException.NotFound if there is no such file
   * @throws ExportFormatException if it is a damaged zip
   */
  public static Optional<ExportInput> find(Path path, ExportEntry wanted) {
    if (!Files.exists(path)) {
      throw new VaultException.NotFound("no file " + path);
    }
    if (Files.isDirectory(path)) {
      return findInDirectory(path, wanted).map(inside -> openJson(inside, inside.toString()));
    }
    if (startsLikeZip(path)) {
      return openZip(path, wanted);
    }
    if (path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip")) {
      throw new ExportFormatException(
          path
              + " is not a zip archive (it does not start with a zip header); is the download"
              + " complete?");
    }
    return Optional.of(openJson(path, path.toString()));
  }

  /** True when {@code path} is a zip archive or a folder, which {@link #find} looks inside. */
  public static boolean isArchive(Path path) {
    return Files.isDirectory(path) || (Files.isRegularFile(path) && startsLikeZip(path));
  }

  private static ExportInput openJson(Path file, String description) {
    try {
      return new ExportInput(null, Files.newInputStream(file), Files.size(file), description);
    } catch (IOException e) {
      throw cannotRead(file.toString(), e);
    }
  }

  private static Optional<ExportInput> openZip(Path path, ExportEntry wanted) {
    ZipFile zip = openZipFile(path);
    try {
      ZipEntry best = null;
      int bestDepth = Integer.MAX_VALUE;
      for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
        ZipEntry entry = entries.nextElement();
        if (!entry.isDirectory() && matches(entry.getName(), wanted)) {
          int depth = depth(entry.getName());
          if (depth < bestDepth) {
            best = entry;
            bestDepth = depth;
          }
        }
      }
      if (best == null) {
        closeQuietly(zip);
        return Optional.empty();
      }
      return Optional.of(
          new ExportInput(
              zip, zip.getInputStream(best), best.getSize(), best.getName() + " in " + path));
    } catch (ZipException | EOFException e) {
      closeQuietly(zip);
      throw damaged(path, e);
    } catch (IOException e) {
      closeQuietly(zip);
      throw cannotRead(path.toString(), e);
    } catch (RuntimeException e) {
      closeQuietly(zip);
      throw e;
    }
  }

  private static ZipFile openZipFile(Path path) {
    try {
      return new ZipFile(path.toFile());
    } catch (ZipException | EOFException e) {
      throw damaged(path, e);
    } catch (IOException e) {
      throw cannotRead(path.toString(), e);
    }
  }

  /**
   * A zip whose structure is broken: {@link ZipFile} throws {@link ZipException}, or {@link
   * EOFException} when an offset in it points past the end of the file.
   */
  private static ExportFormatException damaged(Path path, IOException e) {
    String reason = e instanceof EOFException ? "it ends before its directory says" : reason(e);
    return new ExportFormatException(
        path + " is a damaged zip archive (" + reason + "); download the export again", null, e);
  }

  private static String reason(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** The shallowest match: some archives wrap the export in a folder. */
  private static Optional<Path> findInDirectory(Path directory, ExportEntry wanted) {
    try (Stream<Path> files = Files.walk(directory, MAX_FOLDER_DEPTH)) {
      return files
          .filter(Files::isRegularFile)
          .filter(file -> matches(relative(directory, file), wanted))
          .min(Comparator.comparingInt((Path file) -> file.getNameCount()));
    } catch (IOException | UncheckedIOException e) {
      throw new VaultException("cannot read " + directory + ": " + e.getMessage(), e);
    }
  }

  private static boolean matches(String name, ExportEntry wanted) {
    if (name.startsWith("__MACOSX/")) {
      return false;
    }
    boolean named = name.equals(wanted.fileName()) || name.endsWith("/" + wanted.fileName());
    return named && wanted.accepts(name);
  }

  /** Every file of a zip or folder, for a message about what it lacks. */
  private static List<String> listing(Path path) {
    List<String> names = new ArrayList<>();
    if (Files.isDirectory(path)) {
      try (Stream<Path> files = Files.walk(path, MAX_FOLDER_DEPTH)) {
        files.filter(Files::isRegularFile).forEach(file -> names.add(relative(path, file)));
      } catch (IOException | UncheckedIOException e) {
        throw new VaultException("cannot read " + path + ": " + e.getMessage(), e);
      }
      return names;
    }
    try (ZipFile zip = openZipFile(path)) {
      for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
        ZipEntry entry = entries.nextElement();
        if (!entry.isDirectory()) {
          names.add(entry.getName());
        }
      }
    } catch (IOException e) {
      throw cannotRead(path.toString(), e);
    }
    return names;
  }

  private static String relative(Path directory, Path file) {
    return directory.relativize(file).toString().replace(java.io.File.separatorChar, '/');
  }

  private static int depth(String name) {
    return (int) name.chars().filter(c -> c == '/').count();
  }

  private static boolean startsLikeZip(Path path) {
    try (InputStream in = Files.newInputStream(path)) {
      byte[] magic = in.readNBytes(4);
      return magic.length == 4
          && magic[0] == 'P'
          && magic[1] == 'K'
          && ((magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6));
    } catch (IOException e) {
      throw cannotRead(path.toString(), e);
    }
  }

  static VaultException cannotRead(String what, IOException e) {
    return new VaultException("cannot read " + what + ": " + reason(e), e);
  }

  /** The JSON bytes. Reading them counts towards {@link #bytesRead}. */
  public InputStream stream() {
    return stream;
  }

  public long bytesRead() {
    return stream.count;
  }

  /** The size of the JSON in bytes, or -1 when the archive does not record it. */
  public long totalBytes() {
    return totalBytes;
  }

  /** How to name the JSON in a message: its path, or its entry and the zip's path. */
  public String description() {
    return description;
  }

  @Override
  public void close() {
    try {
      stream.close();
    } catch (IOException ignored) {
      // Only read from; nothing is lost by a failed close.
    }
    if (zip != null) {
      closeQuietly(zip);
    }
  }

  private static void closeQuietly(ZipFile zip) {
    try {
      zip.close();
    } catch (IOException ignored) {
      // Only read from; nothing is lost by a failed close.
    }
  }

  private static final class CountingInputStream extends FilterInputStream {
    private long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      count += skipped;
      return skipped;
    }
  }
}
