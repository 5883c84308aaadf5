package dev.memvault.sdk.portable.pam;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * The integrity checksum of memories written one at a time in any order (spec section 15.2: the
 * SHA-256 of the RFC 8785 form of the memories array sorted by id). Each memory's canonical bytes
 * go to a scratch file as it is written, and only its id and place stay in memory, so the heap
 * holds about a hundred bytes per memory whatever their size. The scratch file is deleted on close.
 */
final class CanonicalMemories implements AutoCloseable {
  private record Entry(String id, long offset, int length) {}

  private final Path scratch;
  private final FileChannel channel;
  private final List<Entry> entries = new ArrayList<>();
  private long size;

  CanonicalMemories(Path scratch) throws IOException {
    this.scratch = scratch;
    this.channel =
        FileChannel.open(
            scratch,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
  }

  void add(String id, byte[] canonical) {
    try {
      ByteBuffer buffer = ByteBuffer.wrap(canonical);
      while (buffer.hasRemaining()) {
        channel.write(buffer, size + buffer.position());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    entries.add(new Entry(id, size, canonical.length));
    size += canonical.length;
  }

  int count() {
    return entries.size();
  }

  /** {@code sha256:} and the hex SHA-256 of the canonical array of the memories added. */
  String checksum() throws IOException {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparing(Entry::id));
    sha256.update((byte) '[');
    for (int i = 0; i < sorted.size(); i++) {
      if (i > 0) {
        sha256.update((byte) ',');
      }
      ByteBuffer buffer = ByteBuffer.allocate(sorted.get(i).length());
      while (buffer.hasRemaining()) {
        if (channel.read(buffer, sorted.get(i).offset() + buffer.position()) < 0) {
          throw new IOException("the scratch file of the checksum ended early");
        }
      }
      sha256.update(buffer.flip());
    }
    sha256.update((byte) ']');
    return "sha256:" + HexFormat.of().formatHex(sha256.digest());
  }

  @Override
  public void close() throws IOException {
    try {
      channel.close();
    } finally {
      Files.deleteIfExists(scratch);
    }
  }
}
