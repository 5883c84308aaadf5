package dev.memvault.sdk.portable.jsonl;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads a text one line at a time, numbering the lines from 1, so that a file of any size is read
 * in memory bounded by its longest line. A line longer than the limit is skipped, not kept, and
 * reported as such.
 */
final class LineReader {
  /** One line without its terminator ({@code \n} or {@code \r\n}). */
  record Line(long number, String text, boolean tooLong) {}

  private final Reader in;
  private final int maxChars;
  private final char[] buffer = new char[64 * 1024];
  private int position;
  private int limit;
  private long number;

  LineReader(Reader in, int maxChars) {
    this.in = in;
    this.maxChars = maxChars;
  }

  /** The next line, or null at the end of the text. */
  Line next() throws IOException {
    StringBuilder text = new StringBuilder();
    boolean tooLong = false;
    boolean readAny = false;
    while (true) {
      if (position == limit) {
        int read = in.read(buffer, 0, buffer.length);
        position = 0;
        limit = Math.max(read, 0);
        if (read <= 0) {
          if (!readAny) {
            return null;
          }
          break;
        }
      }
      readAny = true;
      int start = position;
      while (position < limit && buffer[position] != '\n') {
        position++;
      }
      if (!tooLong && text.length() + (position - start) > maxChars) {
        tooLong = true;
        text.setLength(0);
      }
      if (!tooLong) {
        text.append(buffer, start, position - start);
      }
      if (position < limit) {
        position++;
        break;
      }
    }
    number++;
    int length = text.length();
    if (length > 0 && text.charAt(length - 1) == '\r') {
      text.setLength(length - 1);
    }
    return new Line(number, tooLong ? "" : text.toString(), tooLong);
  }

  /** Number of the last line returned; 0 before the first. */
  long lastNumber() {
    return number;
  }
}
