package dev.memvault.sdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.VaultException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PassphraseStrengthTest {
  private static final char[] STRONG = "plover tundra 7 quietly ferments".toCharArray();

  @TempDir Path dir;

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @CsvSource(
      delimiter = '|',
      ignoreLeadingAndTrailingWhitespace = false,
      value = {
        "aaaaaaaa|it is one character repeated",
        "        |it is one character repeated",
        "password1|this is a very common password",
        "12345678|this is a top-10 common password",
        "qwertyuiop|this is a top-100 common password",
        "asdfghjkl;|straight rows of keys are easy to guess",
        "zxcvbnm,./|straight rows of keys are easy to guess",
        "catcatcatcat|repeats like \"abcabcabc\" are only slightly harder to guess than \"abc\"",
        "abcdefghijklmn|sequences like abc or 6543 are easy to guess",
        "Tr0ub4dour&3|an attacker would find it within 10^8 guesses",
        "short|the passphrase is too short: use at least 8 characters",
      })
  void weakness_obviouslyWeak_refusedWithItsReason(String passphrase, String reason) {
    Optional<String> weakness = PassphraseStrength.weakness(passphrase.toCharArray());

    assertTrue(weakness.isPresent(), passphrase);
    assertTrue(weakness.get().contains(reason), weakness.get());
    assertTrue(
        weakness
            .get()
            .endsWith("choose four or more random words, or a longer phrase of your own"));
    assertFalse(weakness.get().contains("\n"));
  }

  @Test
  void weakness_randomWordsAndARandomString_accepted() {
    assertEquals(Optional.empty(), PassphraseStrength.weakness(STRONG));
    assertEquals(Optional.empty(), PassphraseStrength.weakness("k7#Qv9!mZ2@x".toCharArray()));
  }

  @Test
  void weakness_longPassphrase_estimatesAPrefixAndLeavesTheArrayAsGiven() {
    char[] passphrase = ("plover tundra quietly ferments " + "x".repeat(10_000)).toCharArray();
    char[] copy = passphrase.clone();

    assertEquals(Optional.empty(), PassphraseStrength.weakness(passphrase));
    assertArrayEquals(copy, passphrase);
  }

  @Test
  void create_weakPassphrase_refusedAndNothingCreated() throws IOException {
    Path directory = dir.resolve("vault");

    VaultException.InvalidInput refused =
        assertThrows(
            VaultException.InvalidInput.class,
            () -> MemoryVault.create(directory, "password1".toCharArray()));

    assertTrue(refused.getMessage().contains("this is a very common password"));
    assertFalse(Files.exists(directory) && nonEmpty(directory), "nothing written");
  }

  @Test
  void changePassphrase_weakPassphrase_refusedAndTheOldOneStillOpens() {
    Path directory = dir.resolve("vault");
    MemoryVault.create(directory, STRONG).vault().close();

    try (MemoryVault vault = MemoryVault.open(directory, STRONG)) {
      assertThrows(
          VaultException.InvalidInput.class,
          () -> vault.changePassphrase("        ".toCharArray()));
    }

    MemoryVault.open(directory, STRONG).close();
    assertThrows(
        VaultException.WrongKey.class, () -> MemoryVault.open(directory, "        ".toCharArray()));
  }

  @Test
  void recover_weakNewPassphrase_refusedAndThePassphraseUnchanged() {
    Path directory = dir.resolve("vault");
    MemoryVault.Created created = MemoryVault.create(directory, STRONG);
    created.vault().close();

    assertThrows(
        VaultException.InvalidInput.class,
        () -> MemoryVault.recover(directory, created.recoveryKey(), "12345678".toCharArray()));

    MemoryVault.open(directory, STRONG).close();
  }

  private static boolean nonEmpty(Path directory) throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.findAny().isPresent();
    }
  }

  @Test
  void weakness_doesNotChangeTheArray() {
    char[] weak = "password1".toCharArray();

    PassphraseStrength.weakness(weak);

    assertTrue(Arrays.equals("password1".toCharArray(), weak));
  }
}
