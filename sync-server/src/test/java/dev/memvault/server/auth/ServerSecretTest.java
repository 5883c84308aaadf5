package dev.memvault.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerSecretTest {
  @TempDir Path temp;

  @Test
  void toString_containsNoKeyBytes() {
    String hex = HexFormat.of().formatHex(AuthVectors.SECRET);
    ServerSecret secret = ServerSecret.fromHex(hex);

    assertFalse(secret.toString().contains("0001020304"));
    assertFalse(secret.toString().toLowerCase().contains(hex.substring(20, 30)));
  }

  @Test
  void readOrCreate_firstStart_ownerOnlyFileAndSameSecretAfter() throws Exception {
    Path file = temp.resolve("server-secret");
    ServerSecret created = ServerSecret.readOrCreate(file, new SecureRandom());

    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(65, Files.size(file));
    ServerSecret read = ServerSecret.readOrCreate(file, new SecureRandom());
    byte[] data = "x".getBytes(StandardCharsets.UTF_8);
    assertEquals(Arrays.toString(created.hmac(data)), Arrays.toString(read.hmac(data)));
  }

  @Test
  void fromHex_wrongLengthOrDigits_failsWithoutQuotingInput() {
    String tooShort = "abcdef0123456789";
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ServerSecret.fromHex(tooShort));
    assertFalse(e.getMessage().contains(tooShort));

    String notHex = "zz" + "00".repeat(31);
    e = assertThrows(IllegalArgumentException.class, () -> ServerSecret.fromHex(notHex));
    assertFalse(e.getMessage().contains("zz"));
  }
}
