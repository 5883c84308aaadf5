package dev.memvault.sdk.portable.provider.claude;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memvault.proto.v1.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a block of what Claude remembers is cut into pieces, and the kind of each. */
class MemoryTextTest {
  @Test
  void boldHeadings_startSections_andParagraphsSplitIntoSentences() {
    List<MemoryText.Piece> pieces =
        MemoryText.split(
            "**Work context**\nWorks on e.g. billing at Acme. Uses Java 21.\n\n"
                + "**Top of mind**\nMoving to Bern in May.");

    assertEquals(
        List.of(
            new MemoryText.Piece("Work context", "Works on e.g. billing at Acme.", Kind.FACT),
            new MemoryText.Piece("Work context", "Uses Java 21.", Kind.FACT),
            new MemoryText.Piece("Top of mind", "Moving to Bern in May.", Kind.NOTE)),
        pieces);
  }

  @Test
  void bullets_areOnePieceEach_andMarkdownHeadingsStartSections() {
    List<MemoryText.Piece> pieces =
        MemoryText.split(
            "## Other instructions\n- Answer in British English. Keep it short.\n"
                + "* **Likes** dark mode\n1. Has two cats");

    assertEquals(
        List.of(
            new MemoryText.Piece(
                "Other instructions",
                "Answer in British English. Keep it short.",
                Kind.INSTRUCTION),
            new MemoryText.Piece("Other instructions", "Likes dark mode", Kind.INSTRUCTION),
            new MemoryText.Piece("Other instructions", "Has two cats", Kind.INSTRUCTION)),
        pieces);
  }

  @Test
  void tastesAndConstraints_arePreferences_inAnySection() {
    List<MemoryText.Piece> pieces =
        MemoryText.split(
            "**Personal context**\nIs vegan. Has a peanut allergy. Avoids flying. Knows Go.");

    assertEquals(
        List.of(Kind.PREFERENCE, Kind.PREFERENCE, Kind.PREFERENCE, Kind.FACT),
        pieces.stream().map(MemoryText.Piece::kind).toList());
  }

  @Test
  void textWithoutHeadings_hasNoSection_andBlankTextGivesNothing() {
    assertEquals(
        List.of(new MemoryText.Piece("", "Lives in Porto.", Kind.FACT)),
        MemoryText.split("Lives in Porto."));
    assertEquals(List.of(), MemoryText.split(" \n\n **Empty** \n"));
  }
}
