package dev.memvault.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import dev.memvault.proto.v1.Embedding;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Link;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Message;
import dev.memvault.proto.v1.Part;
import dev.memvault.proto.v1.PartType;
import dev.memvault.proto.v1.Role;
import dev.memvault.proto.v1.Source;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code --json} writes a memory in the JSON form of docs/FORMAT.md section 5, the one the JSONL
 * export's {@code revisions} use: every member the export writes (but the merge clock) appears with
 * the same name and value; what {@code --json} adds is only fields left at their defaults.
 */
class MemoryJsonTest {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();
  private static final Timestamp CREATED = Timestamp.newBuilder().setSeconds(1645557742L).build();

  @Test
  void object_message_sameNamesAndValuesAsTheExportsJsonForm() throws Exception {
    Memory message =
        Memory.newBuilder()
            .setId("017f22e2-79b0-7cc3-98c4-dc0c0c07398f")
            .setScope("chats")
            .setKind(Kind.MESSAGE)
            .setText("Here is the config.")
            .addTags("home")
            .putAttributes("mood", "calm")
            .setSource(
                Source.newBuilder().setProvider("claude").setExternalId("m1").setModel("x-1"))
            .addLinks(
                Link.newBuilder()
                    .setTargetId("017f22e2-79b0-7cc3-98c4-dc0c0c073990")
                    .setRelation("alternate-of"))
            .setMessage(
                Message.newBuilder()
                    .setConversationId("017f22e2-79b0-7cc3-98c4-dc0c0c073991")
                    .setPosition(3)
                    .setRole(Role.USER)
                    .addParts(Part.newBuilder().setType(PartType.TEXT).setText("Here is"))
                    .addParts(
                        Part.newBuilder()
                            .setType(PartType.ATTACHMENT)
                            .setFileName("pihole.conf")
                            .setMediaType("text/plain")
                            .setSizeBytes(112)
                            .setText("PIHOLE_DNS_1=9.9.9.9")))
            .setCreatedAt(CREATED)
            .setUpdatedAt(CREATED)
            .setRevision(2)
            .setHlc(123456789L)
            .build();
    ObjectNode exported =
        (ObjectNode)
            MAPPER.readTree(
                JsonFormat.printer()
                    .omittingInsignificantWhitespace()
                    .print(message.toBuilder().clearHlc()));

    ObjectNode shown = MemoryJson.object(message);

    assertContains(exported, shown, "");
    assertEquals("MESSAGE", shown.get("kind").asString());
    assertEquals("USER", shown.get("message").get("role").asString());
    assertEquals("ATTACHMENT", shown.get("message").get("parts").get(1).get("type").asString());
    assertEquals("2", shown.get("revision").asString());
    assertEquals("2022-02-22T19:22:22Z", shown.get("createdAt").asString());
    assertEquals("m1", shown.get("source").get("externalId").asString());
    assertFalse(shown.has("created_at"), shown.toString());
    assertFalse(shown.has("hlc"), "the merge clock is left out: " + shown);
  }

  @Test
  void object_emptyFields_writtenSoThatScriptsFindThem() {
    Memory bare =
        Memory.newBuilder()
            .setId("017f22e2-79b0-7cc3-98c4-dc0c0c07398f")
            .setScope("work")
            .setKind(Kind.NOTE)
            .setText("bare")
            .setCreatedAt(CREATED)
            .setUpdatedAt(CREATED)
            .setRevision(1)
            .build();

    ObjectNode shown = MemoryJson.object(bare);

    assertTrue(shown.get("tags").isArray() && shown.get("tags").isEmpty(), shown.toString());
    assertTrue(shown.get("attributes").isObject(), shown.toString());
  }

  @Test
  void object_embedding_showsModelAndDimensionWithoutValues() {
    Memory embedded =
        Memory.newBuilder()
            .setId("017f22e2-79b0-7cc3-98c4-dc0c0c07398f")
            .setScope("work")
            .setKind(Kind.NOTE)
            .setText("with a vector")
            .addEmbeddings(
                Embedding.newBuilder().setModel("m").setDimension(2).addValues(0.5f).addValues(1f))
            .build();

    JsonNode embedding = MemoryJson.object(embedded).get("embeddings").get(0);

    assertEquals("m", embedding.get("model").asString());
    assertEquals(2, embedding.get("dimension").asInt());
    assertFalse(embedding.has("values"), embedding.toString());
  }

  /** Every member of {@code expected}, at every level, is in {@code actual} with its value. */
  private static void assertContains(JsonNode expected, JsonNode actual, String path) {
    if (expected.isObject()) {
      assertTrue(actual.isObject(), path + " is not an object: " + actual);
      Iterator<Map.Entry<String, JsonNode>> members = expected.properties().iterator();
      while (members.hasNext()) {
        Map.Entry<String, JsonNode> member = members.next();
        String at = path + "." + member.getKey();
        assertTrue(actual.has(member.getKey()), "--json lacks " + at + ": " + actual);
        assertContains(member.getValue(), actual.get(member.getKey()), at);
      }
    } else if (expected.isArray()) {
      assertEquals(expected.size(), actual.size(), path);
      for (int i = 0; i < expected.size(); i++) {
        assertContains(expected.get(i), actual.get(i), path + "[" + i + "]");
      }
    } else {
      assertEquals(expected, actual, path);
    }
  }
}
