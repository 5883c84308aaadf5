package dev.memvault.sdk.portable.provider.internal;

import dev.memvault.core.VaultException;
import dev.memvault.sdk.portable.provider.ExportFormatException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The {@code conversations.json} of an export, opened for streaming: from inside the export's zip
 * (inflated as it is read, never extracted), from a directory the zip was unpacked into, or the
 * file itself. Counts the bytes read, for progress.
 */
public final class ExportInput implements AutoCloseable {
  public static final String CONVERSATIONS_JSON = "conversations.json";

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
   * @param exportName what the person calls the export, such as "a ChatGPT data export"
   * @throws VaultException.NotFound if there is no such file
   * @throws ExportFormatException if it is a zip without {@code conversations.json} or a damaged
   *     zip
   */
  public static ExportInput open(Path path, String exportName) {
    if (!Files.exists(path)) {
      throw new VaultException.NotFound("no file " + path);
    }
    if (Files.isDirectory(path)) {
      Path inside = path.resolve(CONVERSATIONS_JSON);
      if (!Files.isRegularFile(inside)) {
        throw new ExportFormatException(
            path
                + " is a directory without "
                + CONVERSATIONS_JSON
                + "; give the export's .zip file"
                + " or its "
                + CONVERSATIONS_JSON);
      }
      return openJson(inside, inside.toString());
    }
    if (startsLikeZip(path)) {
      return openZip(path, exportName);
    }
    if (path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip")) {
      throw new ExportFormatException(
          path
              + " is not a zip archive (it does not start with a zip header); is the download"
              + " complete?");
    }
    return openJson(path, path.toString());
  }

  private static ExportInput openJson(Path file, String description) {
    try {
      return new ExportInput(null, Files.newInputStream(file), Files.size(file), description);
    } catch (IOException e) {
      throw cannotRead(file.toString(), e);
    }
  }

  private static ExportInput openZip(Path path, String exportName) {
    ZipFile zip;
    try {
      zip = new ZipFile(path.toFile());
    } catch (ZipException e) {
      throw new ExportFormatException(
          path + " is a damaged zip archive (" + e.getMessage() + "); download the export again",
          null,
          e);
    } catch (IOException e) {
      throw cannotRead(path.toString(), e);
    }
    try {
      ZipEntry entry = findConversations(zip);
      if (entry == null) {
        throw new ExportFormatException(
            path + " holds no " + CONVERSATIONS_JSON + "; is it " + exportName + "?");
      }
      return new ExportInput(
          zip, zip.getInputStream(entry), entry.getSize(), entry.getName() + " in " + path);
    } catch (IOException e) {
      closeQuietly(zip);
      throw cannotRead(path.toString(), e);
    } catch (RuntimeException e) {
      closeQuietly(zip);
      throw e;
    }
  }

  /** The shallowest {@code conversations.json}: some archives wrap the export in a folder. */
  private static ZipEntry findConversations(ZipFile zip) {
    ZipEntry best = null;
    int bestDepth = Integer.MAX_VALUE;
    for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
      ZipEntry entry = entries.nextElement();
      String name = entry.getName();
      if (entry.isDirectory() || name.startsWith("__MACOSX/")) {
        continue;
      }
      if (name.equals(CONVERSATIONS_JSON) || name.endsWith("/" + CONVERSATIONS_JSON)) {
        int depth = (int) name.chars().filter(c -> c == '/').count();
        if (depth < bestDepth) {
          best = entry;
          bestDepth = depth;
        }
      }
    }
    return best;
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
    return new VaultException("cannot read " + what + ": " + e.getMessage(), e);
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
