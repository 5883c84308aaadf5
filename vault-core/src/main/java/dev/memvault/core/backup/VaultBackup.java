package dev.memvault.core.backup;

import com.google.crypto.tink.util.SecretBytes;
import dev.memvault.core.crypto.RootKey;
import dev.memvault.proto.v1.VaultHeader;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.SQLException;

/** PLACEHOLDER being implemented in this session; see the backup/restore work. */
public final class VaultBackup {
  private VaultBackup() {}

  public static void write(Connection database, VaultHeader header, RootKey root, Path file)
      throws IOException, SQLException {
    throw new UnsupportedOperationException("backup is being implemented");
  }

  public static VaultHeader readHeader(Path file) throws IOException {
    throw new UnsupportedOperationException("backup is being implemented");
  }

  public static void restore(Path file, RootKey root, Path databaseFile, SecretBytes databaseKey)
      throws IOException, SQLException, GeneralSecurityException {
    throw new UnsupportedOperationException("backup is being implemented");
  }
}
