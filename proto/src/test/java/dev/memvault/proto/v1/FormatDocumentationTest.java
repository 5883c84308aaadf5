package dev.memvault.proto.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Timestamp;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/FORMAT.md honest as the format grows: every message, field and enum value of the
 * memvault.v1 protos has a row in the table under its own heading, no row names a field that does
 * not exist, and the test vectors in the document decode as the document says.
 *
 * <p>Document layout this test relies on: a heading whose text starts with the backquoted name
 * ({@code ### `Memory`}), then a table whose rows start with {@code | number | `name` |}.
 */
class FormatDocumentationTest {
  // Maven runs tests with the module directory (proto/) as the working directory.
  private static final Path FORMAT_MD = Path.of("..", "docs", "FORMAT.md");
  private static final Pattern NUMBERED_ROW =
      Pattern.compile("^\\|\\s*(\\d+)\\s*\\|\\s*`([^`]+)`\\s*\\|");
  private static final HexFormat HEX = HexFormat.of();
  // The address and scope key of the test vectors in sections 6.5 and 11.2.
  private static final byte[] VAULT_ID = HEX.parseHex("00112233445566778899aabbccddeeff");
  private static final byte[] SCOPE_ID = HEX.parseHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
  private static final byte[] RECORD_ID = HEX.parseHex("017f22e279b07cc398c4dc0c0c07398f");
  private static final byte[] DEVICE_ID = HEX.parseHex("d0d1d2d3d4d5d6d7d8d9dadbdcdddedf");
  private static final byte[] SCOPE_KEY =
      HEX.parseHex("404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f");

  private static List<String> lines;

  @BeforeAll
  static void readDocument() throws IOException {
    assertTrue(
        Files.isRegularFile(FORMAT_MD),
        "expected the format specification at " + FORMAT_MD.toAbsolutePath().normalize());
    lines = Files.readAllLines(FORMAT_MD, StandardCharsets.UTF_8);
  }

  @Test
  void formatDoc_everyMessage_hasHeadingAndRowPerField() {
    List<String> missing = new ArrayList<>();
    for (Descriptor message : allMessages()) {
      Optional<List<String>> section = sectionOf(message.getName());
      if (section.isEmpty()) {
        missing.add(
            "message " + message.getFullName() + " (no heading '### `" + message.getName() + "`')");
        continue;
      }
      for (FieldDescriptor field : message.getFields()) {
        if (!hasRow(section.get(), field.getNumber(), field.getName())) {
          missing.add(
              "field " + message.getFullName() + "." + field.getName() + " = " + field.getNumber());
        }
      }
    }
    failIfAny("docs/FORMAT.md does not document", missing);
  }

  @Test
  void formatDoc_everyEnum_hasHeadingAndRowPerValue() {
    List<String> missing = new ArrayList<>();
    for (EnumDescriptor enumType : allEnums()) {
      Optional<List<String>> section = sectionOf(enumType.getName());
      if (section.isEmpty()) {
        missing.add(
            "enum " + enumType.getFullName() + " (no heading '### `" + enumType.getName() + "`')");
        continue;
      }
      for (EnumValueDescriptor value : enumType.getValues()) {
        if (!hasRow(section.get(), value.getNumber(), value.getName())) {
          missing.add(
              String.format(
                  "value %s.%s = %d", enumType.getFullName(), value.getName(), value.getNumber()));
        }
      }
    }
    failIfAny("docs/FORMAT.md does not document", missing);
  }

  @Test
  void formatDoc_numberedRows_nameExistingFieldsAndValues() {
    List<String> stale = new ArrayList<>();
    for (Descriptor message : allMessages()) {
      for (String row : sectionOf(message.getName()).orElse(List.of())) {
        Matcher m = NUMBERED_ROW.matcher(row);
        if (m.find()) {
          FieldDescriptor field = message.findFieldByName(m.group(2));
          if (field == null || field.getNumber() != Integer.parseInt(m.group(1))) {
            stale.add(message.getFullName() + ": " + row);
          }
        }
      }
    }
    for (EnumDescriptor enumType : allEnums()) {
      for (String row : sectionOf(enumType.getName()).orElse(List.of())) {
        Matcher m = NUMBERED_ROW.matcher(row);
        if (m.find()) {
          EnumValueDescriptor value = enumType.findValueByName(m.group(2));
          if (value == null || value.getNumber() != Integer.parseInt(m.group(1))) {
            stale.add(enumType.getFullName() + ": " + row);
          }
        }
      }
    }
    failIfAny("docs/FORMAT.md has rows that match no proto field or value", stale);
  }

  @Test
  void formatDoc_memoryTestVector_isTheSerializedExample() {
    String expected = HEX.formatHex(exampleMemory().toByteArray());

    boolean found =
        codeBlocks(section(h -> h.startsWith("11.1 ")).orElseThrow()).stream()
            .anyMatch(block -> block.equals(expected));

    assertTrue(found, "section 11.1 should hold the serialized example memory:\n" + expected);
  }

  /**
   * Opens the envelope of section 11.2 with nothing but the JDK and the rules of sections 6.2 and
   * 6.3, as an implementation in another language would.
   */
  @Test
  void formatDoc_envelopeTestVector_opensToTheExampleMemory() throws Exception {
    RecordEnvelope envelope = documentedEnvelope();

    assertEquals(1, envelope.getFormatVersion());
    assertEquals(ByteString.copyFrom(VAULT_ID), envelope.getVaultId());
    assertEquals(ByteString.copyFrom(SCOPE_ID), envelope.getScopeId());
    assertEquals(ByteString.copyFrom(RECORD_ID), envelope.getRecordId());
    assertEquals(1, envelope.getRevision());
    assertEquals(ByteString.copyFrom(DEVICE_ID), envelope.getAuthorDeviceId());
    byte[] ciphertext = envelope.getCiphertext().toByteArray();
    assertEquals(5 + 12 + 256 + 16, ciphertext.length);
    assertEquals("0112345678", HEX.formatHex(ciphertext, 0, 5), "Tink prefix: 0x01, key id");

    byte[] plaintext =
        aesGcmOpen(withoutTinkPrefix(ciphertext), recordAd(envelope, envelope.getRevision()));
    ByteBuffer plain = ByteBuffer.wrap(plaintext);
    byte[] memory = new byte[plain.getInt()];
    plain.get(memory);

    assertEquals(256, plaintext.length, "padme(4 + 120) is the 256-byte minimum bucket");
    assertEquals(exampleMemory(), Memory.parseFrom(memory));
    while (plain.hasRemaining()) {
      assertEquals(0, plain.get(), "padding is zero bytes");
    }
  }

  @Test
  void formatDoc_envelopeTestVector_failsWithAnotherRevisionInItsAssociatedData() throws Exception {
    RecordEnvelope envelope = documentedEnvelope();
    byte[] sealed = withoutTinkPrefix(envelope.getCiphertext().toByteArray());

    assertThrows(
        GeneralSecurityException.class,
        () -> aesGcmOpen(sealed, recordAd(envelope, envelope.getRevision() + 1)),
        "an envelope must not open under another revision's associated data");
  }

  @Test
  void formatDoc_recordAssociatedDataExample_isTheCanonicalEncoding() {
    byte[] encoded =
        lengthPrefixed(
            "memvault.v1.record".getBytes(StandardCharsets.UTF_8),
            HEX.parseHex("00000001"),
            VAULT_ID,
            SCOPE_ID,
            RECORD_ID,
            HEX.parseHex("0000000000000001"),
            DEVICE_ID);
    // Section 6.5 lists the bytes one field a line, each line's hex followed by a comment.
    StringBuilder documented = new StringBuilder();
    for (String line : codeBlockLines(section(h -> h.startsWith("6.5 ")).orElseThrow()).get(0)) {
      for (String token : line.strip().split("\\s+")) {
        if (!token.matches("[0-9a-f]+")) {
          break;
        }
        documented.append(token);
      }
    }

    assertEquals(122, encoded.length);
    assertEquals(HEX.formatHex(encoded), documented.toString());
  }

  private static Memory exampleMemory() {
    Timestamp at = Timestamp.newBuilder().setSeconds(1_645_557_742L).build();
    return Memory.newBuilder()
        .setId("017f22e2-79b0-7cc3-98c4-dc0c0c07398f")
        .setScope("work")
        .setKind(Kind.PREFERENCE)
        .setText("Prefers metric units.")
        .addTags("units")
        .setSource(Source.newBuilder().setProvider("memvault").setApp("memvault-cli"))
        .setCreatedAt(at)
        .setUpdatedAt(at)
        .setRevision(1)
        .build();
  }

  private static List<FileDescriptor> formatFiles() {
    return List.of(
        Memory.getDescriptor().getFile(),
        RecordEnvelope.getDescriptor().getFile(),
        BackupHeader.getDescriptor().getFile());
  }

  /** Every message of the memvault.v1 files, nested ones included; map entries are synthetic. */
  private static List<Descriptor> allMessages() {
    List<Descriptor> all = new ArrayList<>();
    for (FileDescriptor file : formatFiles()) {
      for (Descriptor message : file.getMessageTypes()) {
        addWithNested(message, all);
      }
    }
    return all;
  }

  private static void addWithNested(Descriptor message, List<Descriptor> all) {
    if (message.getOptions().getMapEntry()) {
      return;
    }
    all.add(message);
    for (Descriptor nested : message.getNestedTypes()) {
      addWithNested(nested, all);
    }
  }

  private static List<EnumDescriptor> allEnums() {
    List<EnumDescriptor> all = new ArrayList<>();
    for (FileDescriptor file : formatFiles()) {
      all.addAll(file.getEnumTypes());
    }
    for (Descriptor message : allMessages()) {
      all.addAll(message.getEnumTypes());
    }
    return all;
  }

  /** The lines under the heading {@code ## `name`} (any level), up to the next heading. */
  private static Optional<List<String>> sectionOf(String name) {
    String start = "`" + name + "`";
    return section(h -> h.equals(start) || h.startsWith(start + " "));
  }

  private static Optional<List<String>> section(Predicate<String> headingText) {
    boolean inCode = false;
    List<String> section = null;
    for (String line : lines) {
      if (line.startsWith("```")) {
        inCode = !inCode;
      }
      boolean heading = !inCode && line.startsWith("#");
      if (heading && section != null) {
        break;
      }
      if (section != null) {
        section.add(line);
      } else if (heading && headingText.test(line.replaceFirst("^#+\\s*", "").strip())) {
        section = new ArrayList<>();
      }
    }
    return Optional.ofNullable(section);
  }

  private static boolean hasRow(List<String> section, int number, String name) {
    for (String line : section) {
      Matcher m = NUMBERED_ROW.matcher(line);
      if (m.find() && Integer.parseInt(m.group(1)) == number && m.group(2).equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** The fenced code blocks of a section, each with all whitespace removed. */
  private static List<String> codeBlocks(List<String> section) {
    List<String> blocks = new ArrayList<>();
    for (List<String> block : codeBlockLines(section)) {
      blocks.add(String.join("", block).replaceAll("\\s+", ""));
    }
    return blocks;
  }

  private static List<List<String>> codeBlockLines(List<String> section) {
    List<List<String>> blocks = new ArrayList<>();
    List<String> block = null;
    for (String line : section) {
      if (line.startsWith("```")) {
        if (block == null) {
          block = new ArrayList<>();
        } else {
          blocks.add(block);
          block = null;
        }
      } else if (block != null) {
        block.add(line);
      }
    }
    return blocks;
  }

  /** The canonical associated-data encoding of docs/FORMAT.md section 6.2. */
  private static byte[] lengthPrefixed(byte[]... fields) {
    int total = 0;
    for (byte[] field : fields) {
      total += 4 + field.length;
    }
    ByteBuffer out = ByteBuffer.allocate(total);
    for (byte[] field : fields) {
      out.putInt(field.length).put(field);
    }
    return out.array();
  }

  private static RecordEnvelope documentedEnvelope() throws IOException {
    List<String> blocks = codeBlocks(section(h -> h.startsWith("11.2 ")).orElseThrow());
    assertEquals(1, blocks.size(), "section 11.2 should hold one code block: the envelope");
    return RecordEnvelope.parseFrom(HEX.parseHex(blocks.get(0)));
  }

  /** The memvault.v1.record associated data of section 6.2, for the given revision. */
  private static byte[] recordAd(RecordEnvelope envelope, long revision) {
    return lengthPrefixed(
        "memvault.v1.record".getBytes(StandardCharsets.UTF_8),
        ByteBuffer.allocate(4).putInt(envelope.getFormatVersion()).array(),
        envelope.getVaultId().toByteArray(),
        envelope.getScopeId().toByteArray(),
        envelope.getRecordId().toByteArray(),
        ByteBuffer.allocate(8).putLong(revision).array(),
        envelope.getAuthorDeviceId().toByteArray());
  }

  /** Tink's 5-byte output prefix (0x01 and the key id) comes before the raw AES-GCM output. */
  private static byte[] withoutTinkPrefix(byte[] ciphertext) {
    return Arrays.copyOfRange(ciphertext, 5, ciphertext.length);
  }

  /** Raw AES-256-GCM as laid out in section 6.1: nonce (12) || ciphertext || tag (16). */
  private static byte[] aesGcmOpen(byte[] sealed, byte[] associatedData)
      throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(
        Cipher.DECRYPT_MODE,
        new SecretKeySpec(SCOPE_KEY, "AES"),
        new GCMParameterSpec(128, sealed, 0, 12));
    cipher.updateAAD(associatedData);
    return cipher.doFinal(sealed, 12, sealed.length - 12);
  }

  private static void failIfAny(String what, List<String> problems) {
    if (!problems.isEmpty()) {
      fail(what + " (" + problems.size() + "):\n  " + String.join("\n  ", problems));
    }
  }
}
