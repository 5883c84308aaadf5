package dev.memvault.sdk.portable.provider.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Places the messages of a provider's message tree: the visible thread first, then each alternate
 * branch, parents before children (docs/FORMAT.md, section 4). Nodes without a message to keep take
 * no position. A message id that appears twice is a {@link ConversationProblem}.
 */
public final class ThreadLayout {
  /** Where the next message below a node goes. */
  public record Cursor(int position, String parentExternalId, String branchExternalId) {
    public static final Cursor START = new Cursor(0, null, null);
  }

  private final Function<String, MessageContent> contentOf;
  private final Map<String, List<String>> children;
  private final List<ImportedMessage> messages = new ArrayList<>();
  private final List<String> visibleAt = new ArrayList<>();
  private final Map<String, Cursor> cursorAfter = new HashMap<>();
  private final Set<String> externalIds = new HashSet<>();
  private Cursor cursor = Cursor.START;

  /**
   * @param contentOf the message of a node id, or null when the node has none to keep
   * @param children each node's children in the export's order
   */
  public ThreadLayout(
      Function<String, MessageContent> contentOf, Map<String, List<String>> children) {
    this.contentOf = contentOf;
    this.children = children;
  }

  /**
   * Lays out {@code path} (node ids from a root to the visible leaf) as the visible thread, then
   * every other branch below it and every other root as alternates.
   */
  public static List<ImportedMessage> of(
      List<String> path,
      List<String> roots,
      Map<String, List<String>> children,
      Function<String, MessageContent> contentOf) {
    ThreadLayout layout = new ThreadLayout(contentOf, children);
    for (String nodeId : path) {
      layout.visible(nodeId);
    }
    Set<String> onPath = new HashSet<>(path);
    for (String nodeId : path) {
      for (String child : children.getOrDefault(nodeId, List.of())) {
        if (!onPath.contains(child)) {
          layout.alternates(child, layout.cursorAfter.get(nodeId));
        }
      }
    }
    for (String root : roots) {
      if (!onPath.contains(root)) {
        layout.alternates(root, Cursor.START);
      }
    }
    return layout.messages;
  }

  private void visible(String nodeId) {
    MessageContent content = content(nodeId);
    if (content != null) {
      messages.add(
          new ImportedMessage(content, cursor.position(), cursor.parentExternalId(), null, null));
      visibleAt.add(content.externalId());
      cursor = new Cursor(cursor.position() + 1, content.externalId(), null);
    }
    cursorAfter.put(nodeId, cursor);
  }

  /**
   * The subtree at {@code start}, off the visible thread. At every fork the first child continues
   * the branch and each other child starts a new one. Iterative: threads can be thousands of
   * messages deep.
   */
  private void alternates(String start, Cursor from) {
    Deque<Map.Entry<String, Cursor>> stack = new ArrayDeque<>();
    stack.push(Map.entry(start, new Cursor(from.position(), from.parentExternalId(), null)));
    while (!stack.isEmpty()) {
      Map.Entry<String, Cursor> top = stack.pop();
      Cursor at = top.getValue();
      MessageContent content = content(top.getKey());
      Cursor below = at;
      if (content != null) {
        boolean startsBranch = at.branchExternalId() == null;
        String branch = startsBranch ? content.externalId() : at.branchExternalId();
        String alternateOf =
            startsBranch && at.position() < visibleAt.size() ? visibleAt.get(at.position()) : null;
        messages.add(
            new ImportedMessage(
                content, at.position(), at.parentExternalId(), branch, alternateOf));
        below = new Cursor(at.position() + 1, content.externalId(), branch);
      }
      List<String> kids = children.getOrDefault(top.getKey(), List.of());
      for (int i = kids.size() - 1; i >= 0; i--) {
        Cursor next = i == 0 ? below : new Cursor(below.position(), below.parentExternalId(), null);
        stack.push(Map.entry(kids.get(i), next));
      }
    }
  }

  private MessageContent content(String nodeId) {
    MessageContent content = contentOf.apply(nodeId);
    if (content != null && !externalIds.add(content.externalId())) {
      throw new ConversationProblem(
          "message id '" + content.externalId() + "' appears twice in the conversation");
    }
    return content;
  }
}
