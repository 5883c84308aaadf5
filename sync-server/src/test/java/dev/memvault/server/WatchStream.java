package dev.memvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.proto.sync.v1.SyncServiceGrpc;
import dev.memvault.proto.sync.v1.WatchRequest;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A client's Watch stream, collected into a queue; optionally reading one entry at a time. */
final class WatchStream implements ClientResponseObserver<WatchRequest, LogEntry> {
  static final long TIMEOUT_SECONDS = 30;

  final BlockingQueue<LogEntry> entries = new LinkedBlockingQueue<>();
  final CompletableFuture<Throwable> ended = new CompletableFuture<>();
  private final boolean manualFlowControl;
  private volatile ClientCallStreamObserver<WatchRequest> call;

  private WatchStream(boolean manualFlowControl) {
    this.manualFlowControl = manualFlowControl;
  }

  static WatchStream open(SyncServiceGrpc.SyncServiceStub stub, long afterSeq) {
    return open(stub, afterSeq, false);
  }

  /**
   * With manual flow control, the stream asks for one entry, then more only by {@link #request}.
   */
  static WatchStream open(
      SyncServiceGrpc.SyncServiceStub stub, long afterSeq, boolean manualFlowControl) {
    WatchStream stream = new WatchStream(manualFlowControl);
    stub.watch(WatchRequest.newBuilder().setAfterSeq(afterSeq).build(), stream);
    return stream;
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
    this.call = requestStream;
    if (manualFlowControl) {
      requestStream.disableAutoRequestWithInitial(1);
    }
  }

  void request(int count) {
    call.request(count);
  }

  void cancel() {
    call.cancel("test done", null);
  }

  @Override
  public void onNext(LogEntry entry) {
    entries.add(entry);
  }

  @Override
  public void onError(Throwable t) {
    ended.complete(t);
  }

  @Override
  public void onCompleted() {
    ended.complete(null);
  }

  LogEntry next() throws InterruptedException {
    LogEntry entry = entries.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertNotNull(entry, "no entry within " + TIMEOUT_SECONDS + " s");
    return entry;
  }

  /** The next {@code count} entries, which must have seqs {@code fromSeq}, fromSeq + 1, .... */
  List<LogEntry> next(int count, long fromSeq) throws InterruptedException {
    List<LogEntry> got = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      LogEntry entry = next();
      assertEquals(fromSeq + i, entry.getSeq());
      got.add(entry);
    }
    return got;
  }

  Throwable awaitEnd() throws Exception {
    return ended.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }
}
