package dev.memvault.server.sync;

import dev.memvault.proto.sync.v1.Head;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.proto.sync.v1.PullResponse;
import dev.memvault.server.errors.GrpcErrors;
import dev.memvault.server.limits.Limits;
import dev.memvault.server.store.SyncStore;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.Predicate;

/**
 * One Pull stream: pages of the log's entries that pass a filter, up to the head read at the start,
 * each sent only when the stream is ready, so a slow client holds at most one page in the server.
 * Runs on the call's serialized executor (gRPC calls the handlers one at a time).
 */
public final class LogPages {
  /** The filter of a device's Pull: the whole log. */
  public static final Predicate<LogEntry> EVERY_ENTRY = entry -> true;

  private final SyncStore store;
  private final Limits limits;
  private final byte[] vaultId;
  private final Head head;
  private final int pageSize;
  private final ServerCallStreamObserver<PullResponse> responses;
  private final Predicate<LogEntry> filter;
  private final LongConsumer onCompleted;
  private long readSeq;
  private long served;
  private boolean done;

  private LogPages(
      SyncStore store,
      Limits limits,
      byte[] vaultId,
      long afterSeq,
      Head head,
      int pageSize,
      ServerCallStreamObserver<PullResponse> responses,
      Predicate<LogEntry> filter,
      LongConsumer onCompleted) {
    this.store = store;
    this.limits = limits;
    this.vaultId = vaultId;
    this.readSeq = afterSeq;
    this.head = head;
    this.pageSize = pageSize;
    this.responses = responses;
    this.filter = filter;
    this.onCompleted = onCompleted;
  }

  /**
   * Streams the entries after {@code afterSeq} that pass {@code filter}, up to {@code head}; tells
   * {@code onCompleted} how many it served once the last page is sent.
   */
  public static void start(
      SyncStore store,
      Limits limits,
      byte[] vaultId,
      long afterSeq,
      Head head,
      int pageSize,
      ServerCallStreamObserver<PullResponse> responses,
      Predicate<LogEntry> filter,
      LongConsumer onCompleted) {
    LogPages pages =
        new LogPages(
            store, limits, vaultId, afterSeq, head, pageSize, responses, filter, onCompleted);
    responses.setOnCancelHandler(pages::cancel);
    responses.setOnReadyHandler(pages::pump);
  }

  void pump() {
    try {
      while (!done && responses.isReady()) {
        List<LogEntry> page = nextPage();
        responses.onNext(PullResponse.newBuilder().addAllEntries(page).setHead(head).build());
        served += page.size();
        if (readSeq >= head.getSeq()) {
          done = true;
          responses.onCompleted();
          onCompleted.accept(served);
        }
      }
    } catch (RuntimeException e) {
      done = true;
      GrpcErrors.fail(responses, "Pull", e);
    }
  }

  /**
   * Up to pageSize entries that pass the filter and maxPageBytes, at least one entry unless the
   * head is reached; entries the filter refuses are read and skipped.
   */
  private List<LogEntry> nextPage() {
    List<LogEntry> page = new ArrayList<>();
    long bytes = 0;
    while (readSeq < head.getSeq() && page.size() < pageSize) {
      int want = (int) Math.min(pageSize - page.size(), head.getSeq() - readSeq);
      List<LogEntry> read = store.read(vaultId, readSeq, want);
      if (read.isEmpty()) {
        readSeq = head.getSeq();
        break;
      }
      for (LogEntry entry : read) {
        if (filter.test(entry)) {
          bytes += entry.getSerializedSize();
          if (bytes > limits.maxPageBytes() && !page.isEmpty()) {
            return page; // this entry is read again for the next page
          }
          page.add(entry);
        }
        readSeq = entry.getSeq();
      }
    }
    return page;
  }

  void cancel() {
    done = true;
  }
}
