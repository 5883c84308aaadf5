package dev.memvault.sdk.portable.provider.internal;

import java.nio.file.Path;
import java.util.List;

/**
 * Which JSON file of an export an import reads, such as {@code conversations.json}: how to
 * recognise it among the files of a zip or a folder, and what to say when the export lacks it.
 */
public interface ExportEntry {
  /** The file's name, such as {@code conversations.json}. */
  String fileName();

  /**
   * True when a file named {@link #fileName} at this path inside the export is the one wanted.
   *
   * @param path the file's path inside the zip or folder, with {@code /} between names
   */
  default boolean accepts(String path) {
    return true;
  }

  /**
   * The one sentence that says the export lacks the file.
   *
   * @param paths every file in the zip or folder, with {@code /} between names
   */
  default String whenMissing(
      Path export, boolean directory, String exportName, List<String> paths) {
    if (directory) {
      return export
          + " is a directory without "
          + fileName()
          + "; give the export's .zip file or its "
          + fileName();
    }
    return export + " holds no " + fileName() + "; is it " + exportName + "?";
  }

  /** The file of this name wherever it is; the shallowest when there are several. */
  static ExportEntry named(String fileName) {
    return () -> fileName;
  }
}
