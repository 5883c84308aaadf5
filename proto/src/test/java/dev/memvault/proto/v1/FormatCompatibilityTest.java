package dev.memvault.proto.v1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.GeneratedMessage;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UnknownFieldSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The compatibility promise of memvault.v1 (docs/FORMAT.md, section 2): a record written by a newer
 * version, with fields and enum values this version does not know, survives a round trip through
 * this version unchanged.
 */
class FormatCompatibilityTest {
  private static final int UNKNOWN_VARINT_FIELD = 1000;
  private static final int UNKNOWN_BYTES_FIELD = 1001;
  private static final long UNKNOWN_VARINT_VALUE = 1_234_567_890_123L;
  private static final ByteString UNKNOWN_BYTES_VALUE =
      ByteString.copyFrom(new byte[] {'n', 'e', 'w', 0x00, (byte) 0xff, 0x7f});

  @Test
  void memory_unknownFieldsAppended_surviveRoundTripByteForByte() throws IOException {
    Memory original = conversationMessage();
    byte[] known = original.toByteArray();
    byte[] unknown = unknownFields();
    byte[] written = concat(known, unknown);

    Memory read = Memory.parseFrom(written);
    byte[] rewritten = read.toByteArray();
    Memory readAgain = Memory.parseFrom(rewritten);

    assertEquals(original, withoutUnknownFields(read), "known fields must read back unchanged");
    assertUnknownFieldsIntact(read.getUnknownFields());
    assertUnknownFieldsIntact(readAgain.getUnknownFields());
    assertEquals(read.getUnknownFields(), readAgain.getUnknownFields());
    // The libraries write unknown fields after the known ones, in field-number order; the test
    // appended them in that order, so the whole record comes back byte for byte.
    assertArrayEquals(written, rewritten);
    assertArrayEquals(written, readAgain.toByteArray());
  }

  @Test
  void memory_unknownFieldsThenNewRevision_unknownFieldsCarriedForward() throws IOException {
    Memory read = Memory.parseFrom(concat(conversationMessage().toByteArray(), unknownFields()));

    // What Vault.update does: edit a copy of the decoded previous revision.
    Memory next = read.toBuilder().setText("edited").setRevision(read.getRevision() + 1).build();
    Memory nextRead = Memory.parseFrom(next.toByteArray());

    assertEquals("edited", nextRead.getText());
    assertUnknownFieldsIntact(nextRead.getUnknownFields());
  }

  @Test
  void nestedPart_unknownFields_surviveRoundTripOfWholeMemory() throws IOException {
    Part newerPart =
        Part.parseFrom(
            concat(
                Part.newBuilder().setType(PartType.TEXT).setText("hi").build().toByteArray(),
                unknownFields()));
    Memory memory =
        conversationMessage().toBuilder()
            .setMessage(conversationMessage().getMessage().toBuilder().setParts(0, newerPart))
            .build();

    Memory read = Memory.parseFrom(memory.toByteArray());
    Part readPart = read.getMessage().getParts(0);

    assertEquals("hi", readPart.getText());
    assertUnknownFieldsIntact(readPart.getUnknownFields());
    assertArrayEquals(newerPart.toByteArray(), readPart.toByteArray());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyTopLevelMessage")
  void anyMessage_unknownFieldsAppended_surviveRoundTripByteForByte(
      String name, GeneratedMessage original) throws IOException {
    byte[] written = concat(original.toByteArray(), unknownFields());

    GeneratedMessage read = (GeneratedMessage) original.getParserForType().parseFrom(written);
    GeneratedMessage readAgain =
        (GeneratedMessage) read.getParserForType().parseFrom(read.toByteArray());

    assertUnknownFieldsIntact(readAgain.getUnknownFields());
    assertArrayEquals(written, readAgain.toByteArray(), name);
  }

  @Test
  void memory_unknownKindValue_keptAfterRoundTrip() throws IOException {
    Memory newer = conversationMessage().toBuilder().setKindValue(99).build();

    Memory read = Memory.parseFrom(newer.toByteArray());
    Memory readAgain = Memory.parseFrom(read.toByteArray());

    assertEquals(Kind.UNRECOGNIZED, read.getKind());
    assertEquals(99, read.getKindValue());
    assertEquals(99, readAgain.getKindValue());
    assertArrayEquals(newer.toByteArray(), readAgain.toByteArray());
  }

  @Test
  void memory_unknownKindOnTheWire_keptAfterRoundTrip() throws IOException {
    // A newer writer's bytes, built by hand: field 3 (kind), wire type 0, value 99.
    byte[] written = concat(minimalMemory().toByteArray(), new byte[] {0x18, 0x63});

    Memory read = Memory.parseFrom(written);

    assertEquals(99, read.getKindValue());
    assertEquals(99, Memory.parseFrom(read.toByteArray()).getKindValue());
  }

  @Test
  void memory_unknownKindThenNewRevision_kindValueCarriedForward() throws IOException {
    Memory read =
        Memory.parseFrom(conversationMessage().toBuilder().setKindValue(99).build().toByteArray());

    Memory next = read.toBuilder().setText("edited").setRevision(read.getRevision() + 1).build();

    assertEquals(99, Memory.parseFrom(next.toByteArray()).getKindValue());
  }

  @Test
  void message_unknownRoleAndPartType_keptAfterRoundTrip() throws IOException {
    Memory original = conversationMessage();
    Message newerMessage =
        original.getMessage().toBuilder()
            .setRoleValue(42)
            .setParts(0, original.getMessage().getParts(0).toBuilder().setTypeValue(77))
            .build();
    Memory newer = original.toBuilder().setMessage(newerMessage).build();

    Memory readAgain = Memory.parseFrom(Memory.parseFrom(newer.toByteArray()).toByteArray());

    assertEquals(Role.UNRECOGNIZED, readAgain.getMessage().getRole());
    assertEquals(42, readAgain.getMessage().getRoleValue());
    assertEquals(PartType.UNRECOGNIZED, readAgain.getMessage().getParts(0).getType());
    assertEquals(77, readAgain.getMessage().getParts(0).getTypeValue());
    assertArrayEquals(newer.toByteArray(), readAgain.toByteArray());
  }

  static Stream<Object[]> everyTopLevelMessage() {
    ByteString sixteen = ByteString.copyFrom(new byte[16]);
    return Stream.of(
        new Object[] {"Memory", conversationMessage()},
        new Object[] {"Source", conversationMessage().getSource()},
        new Object[] {
          "Embedding",
          Embedding.newBuilder()
              .setModel("m")
              .setDimension(3)
              .addValues(0.5f)
              .addValues(-1f)
              .addValues(2f)
              .build()
        },
        new Object[] {
          "Link",
          Link.newBuilder().setTargetId(minimalMemory().getId()).setRelation("about").build()
        },
        new Object[] {
          "Conversation", Conversation.newBuilder().setTitle("t").setMessageCount(2).build()
        },
        new Object[] {"Message", conversationMessage().getMessage()},
        new Object[] {"Part", conversationMessage().getMessage().getParts(0)},
        new Object[] {
          "RecordEnvelope",
          RecordEnvelope.newBuilder()
              .setFormatVersion(1)
              .setVaultId(sixteen)
              .setScopeId(sixteen)
              .setRecordId(sixteen)
              .setRevision(7)
              .setAuthorDeviceId(sixteen)
              .setCiphertext(ByteString.copyFrom(new byte[289]))
              .build()
        },
        new Object[] {"KdfParams", kdfParams()},
        new Object[] {
          "VaultHeader",
          VaultHeader.newBuilder()
              .setFormatVersion(1)
              .setVaultId(sixteen)
              .setDeviceId(sixteen)
              .setKdf(kdfParams())
              .setRootKeyByPassphrase(ByteString.copyFrom(new byte[60]))
              .setRootKeyByRecovery(ByteString.copyFrom(new byte[60]))
              .setDatabaseKey(ByteString.copyFrom(new byte[60]))
              .setCreatedAt(1_645_557_742L)
              .build()
        });
  }

  private static KdfParams kdfParams() {
    return KdfParams.newBuilder()
        .setAlgorithm("argon2id")
        .setMemoryKib(65536)
        .setIterations(3)
        .setParallelism(1)
        .setSalt(ByteString.copyFrom(new byte[16]))
        .build();
  }

  private static Memory minimalMemory() {
    return Memory.newBuilder()
        .setId("017f22e2-79b0-7cc3-98c4-dc0c0c07398f")
        .setScope("work")
        .setRevision(1)
        .build();
  }

  /** A MESSAGE memory with every field that a message uses set, nested messages included. */
  private static Memory conversationMessage() {
    Timestamp created = Timestamp.newBuilder().setSeconds(1_717_000_010L).setNanos(5).build();
    return Memory.newBuilder()
        .setId("018fc6a0-1f2e-7a3b-8c4d-5e6f7a8b9c0d")
        .setScope("travel")
        .setKind(Kind.MESSAGE)
        .setText("Where should I eat in Lisbon?")
        .addTags("lisbon")
        .addTags("food")
        .putAttributes("lang", "en")
        .setSource(
            Source.newBuilder()
                .setProvider("chatgpt")
                .setModel("gpt-4o")
                .setApp("memvault-cli")
                .setExternalId("m1"))
        .setCreatedAt(created)
        .setUpdatedAt(created)
        .setRevision(3)
        .addEmbeddings(
            Embedding.newBuilder().setModel("tiny").setDimension(2).addValues(0.25f).addValues(1f))
        .addLinks(
            Link.newBuilder()
                .setTargetId("018fc6a0-1f2e-7a3b-8c4d-000000000001")
                .setRelation("alternate-of"))
        .setMessage(
            Message.newBuilder()
                .setConversationId("018fc6a0-1f2e-7a3b-8c4d-000000000000")
                .setPosition(1)
                .setRole(Role.USER)
                .setAuthor("me")
                .addParts(Part.newBuilder().setType(PartType.TEXT).setText("Where should I eat?"))
                .addParts(
                    Part.newBuilder()
                        .setType(PartType.TOOL_USE)
                        .setName("search")
                        .setInputJson("{\"q\":\"lisbon\"}"))
                .addParts(
                    Part.newBuilder()
                        .setType(PartType.ATTACHMENT)
                        .setFileName("menu.txt")
                        .setMediaType("text/plain")
                        .setSizeBytes(112))
                .setBranch("b1")
                .setParentId("018fc6a0-1f2e-7a3b-8c4d-000000000002"))
        .build();
  }

  /** Field 1000 as a varint and field 1001 as length-delimited bytes, in field-number order. */
  private static byte[] unknownFields() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeUInt64(UNKNOWN_VARINT_FIELD, UNKNOWN_VARINT_VALUE);
    out.writeBytes(UNKNOWN_BYTES_FIELD, UNKNOWN_BYTES_VALUE);
    out.flush();
    return bytes.toByteArray();
  }

  private static void assertUnknownFieldsIntact(UnknownFieldSet fields) throws IOException {
    assertTrue(fields.hasField(UNKNOWN_VARINT_FIELD), "unknown varint field lost");
    assertTrue(fields.hasField(UNKNOWN_BYTES_FIELD), "unknown bytes field lost");
    assertEquals(
        List.of(UNKNOWN_VARINT_VALUE), fields.getField(UNKNOWN_VARINT_FIELD).getVarintList());
    assertEquals(
        List.of(UNKNOWN_BYTES_VALUE),
        fields.getField(UNKNOWN_BYTES_FIELD).getLengthDelimitedList());
    ByteString expected = ByteString.copyFrom(unknownFields());
    ByteString actual =
        fields
            .getField(UNKNOWN_VARINT_FIELD)
            .toByteString(UNKNOWN_VARINT_FIELD)
            .concat(fields.getField(UNKNOWN_BYTES_FIELD).toByteString(UNKNOWN_BYTES_FIELD));
    assertEquals(expected, actual, "unknown fields must be written back byte for byte");
  }

  private static Memory withoutUnknownFields(Memory memory) {
    return memory.toBuilder().setUnknownFields(UnknownFieldSet.getDefaultInstance()).build();
  }

  private static byte[] concat(byte[] first, byte[] second) {
    byte[] all = new byte[first.length + second.length];
    System.arraycopy(first, 0, all, 0, first.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }
}
