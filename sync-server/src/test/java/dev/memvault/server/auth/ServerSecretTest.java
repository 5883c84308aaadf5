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
  void check_knownSecret_isHmacOfTheCanonicalLabel() {
    // Python: hmac.new(bytes([0x7f]) * 32, struct.pack('>I', 31) + label, sha256).hexdigest()
    ServerSecret secret = ServerSecret.fromHex("7f".repeat(32));

    assertEquals(
        "74fe66b98705e038b6b11e43275ad1b2b5949614a6916349cdd1f69ca42dbfb4",
        HexFormat.of().formatHex(secret.check()));
    assertFalse(
        Arrays.equals(secret.check(), ServerSecret.fromHex("7e".repeat(32)).check()),
        "another secret, another check value");
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
