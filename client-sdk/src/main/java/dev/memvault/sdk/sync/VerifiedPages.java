package dev.memvault.sdk.sync;

import com.google.crypto.tink.PublicKeyVerify;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.memvault.core.VaultException;
import dev.memvault.core.sync.ChainHead;
import dev.memvault.core.sync.RemoteChange;
import dev.memvault.core.sync.SyncCursor;
import dev.memvault.proto.sync.v1.Change;
import dev.memvault.proto.sync.v1.Head;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.proto.sync.v1.PullRequest;
import dev.memvault.proto.sync.v1.PullResponse;
import dev.memvault.proto.sync.v1.SyncServiceGrpc;
import dev.memvault.proto.v1.Checkpoint;
import dev.memvault.proto.v1.SyncPayload;
import dev.memvault.protocol.ChangeSignatureCheck;
import dev.memvault.protocol.DeviceChain;
import dev.memvault.protocol.DeviceSignatureVerifier;
import dev.memvault.protocol.LogChain;
import io.grpc.Context;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The pages of one Pull, read and verified on a thread of their own while the caller applies the
 * pages before them: a new device pulling a whole log spends its time in two places, checking
 * signatures and writing its database, and this lets both run at once.
 *
 * <p>Each page is checked before it is handed over: it extends the head verified so far (hash
 * chain), every change is by a member of the verified device chain (one the server added on its own
 * fails the whole pull; one by a device revoked before it is skipped), every counted change carries
 * its device's valid signature, and every payload the server dropped was released by a later change
 * ({@link PayloadReleases}). A failure is handed over in order, after the pages verified before it,
 * and ends the stream.
 */
final class VerifiedPages implements AutoCloseable {
  /** One verified page: the changes to apply, and the cursor to save with them. */
  record Page(List<RemoteChange> changes, SyncCursor cursor) {}

  /** What the reader hands over: a page, the end (with the server's head), or a failure. */
  private sealed interface Item permits PageItem, End, Failure {}

  private record PageItem(Page page) implements Item {}

  private record End(Optional<Head> serverHead) implements Item {}

  private record Failure(RuntimeException error) implements Item {}

  // A few pages ahead are enough to keep both threads busy; more would only hold memory.
  private static final int PAGES_AHEAD = 8;

  private final BlockingQueue<Item> items = new ArrayBlockingQueue<>(PAGES_AHEAD);
  private final Context.CancellableContext call = Context.current().withCancellation();
  private final Thread reader;
  private volatile boolean closed;
  private Optional<Head> serverHead = Optional.empty();
  private boolean ended;

  private VerifiedPages(Runnable read) {
    this.reader = new Thread(read, "memvault-pull-verify");
    this.reader.setDaemon(true);
  }

  /** Starts pulling after {@code start}, verifying against {@code chain}. */
  static VerifiedPages start(
      SyncServiceGrpc.SyncServiceBlockingStub sync,
      DeviceChain chain,
      SyncCursor start,
      byte[] vaultId,
      int pageSize,
      Optional<ChainHead> linkedAt) {
    Map<Long, Anchor> anchors = anchors(chain, linkedAt);
    VerifiedPages[] self = new VerifiedPages[1];
    self[0] = new VerifiedPages(() -> self[0].read(sync, chain, anchors, start, vaultId, pageSize));
    self[0].reader.start();
    return self[0];
  }

  /**
   * The next verified page, waiting for it; empty at the end of the pull. A failure of the reader
   * (a server error, a forked log, a bad signature) is thrown here, after every page before it.
   */
  Optional<Page> next() {
    if (ended) {
      return Optional.empty();
    }
    Item item;
    try {
      item = items.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VaultException("interrupted while syncing; nothing more was applied", e);
    }
    if (item instanceof PageItem page) {
      return Optional.of(page.page());
    }
    ended = true;
    if (item instanceof Failure failure) {
      throw failure.error();
    }
    serverHead = ((End) item).serverHead();
    return Optional.empty();
  }

  /** Whether a verified page is waiting, so that applying now would not wait for the network. */
  boolean hasWaitingPage() {
    return items.peek() instanceof PageItem;
  }

  /** The server's head as the last page gave it; known once {@link #next} returned empty. */
  Optional<Head> serverHead() {
    return serverHead;
  }

  @Override
  public void close() {
    closed = true;
    call.cancel(null);
    items.clear();
    try {
      reader.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void read(
      SyncServiceGrpc.SyncServiceBlockingStub sync,
      DeviceChain chain,
      Map<Long, Anchor> anchors,
      SyncCursor start,
      byte[] vaultId,
      int pageSize) {
    Item last;
    try {
      last = call.call(() -> readAll(sync, chain, anchors, start, vaultId, pageSize));
    } catch (RuntimeException e) {
      last = new Failure(e);
    } catch (Exception e) {
      last = new Failure(new IllegalStateException(e));
    }
    hand(last);
  }

  private End readAll(
      SyncServiceGrpc.SyncServiceBlockingStub sync,
      DeviceChain chain,
      Map<Long, Anchor> anchors,
      SyncCursor start,
      byte[] vaultId,
      int pageSize) {
    Map<ByteString, PublicKeyVerify> verifiers = new HashMap<>();
    // One check for the whole pull: a batch's changes can span pages.
    ChangeSignatureCheck signatures = new ChangeSignatureCheck(vaultId);
    checkAnchor(anchors, start.seq(), start.headHash());
    PayloadReleases releases = new PayloadReleases(start.awaitingRelease());
    SyncCursor cursor = start;
    Head head = null;
    Iterator<PullResponse> pages =
        sync.withDeadlineAfter(5, TimeUnit.MINUTES)
            .pull(PullRequest.newBuilder().setAfterSeq(cursor.seq()).setPageSize(pageSize).build());
    while (pages.hasNext() && !closed) {
      PullResponse page = pages.next();
      head = page.getHead();
      if (Long.compareUnsigned(head.getSeq(), cursor.seq()) < 0) {
        throw wentBack(head.getSeq(), start.seq());
      }
      Head trusted =
          Head.newBuilder()
              .setSeq(cursor.seq())
              .setEntryHash(ByteString.copyFrom(cursor.headHash()))
              .build();
      try {
        LogChain.verifyExtends(trusted, page.getEntriesList(), vaultId);
      } catch (LogChain.BrokenChainException e) {
        throw forked(start.seq());
      }
      if (page.getEntriesCount() == 0) {
        continue;
      }
      List<LogEntry> counted = new ArrayList<>();
      for (LogEntry entry : page.getEntriesList()) {
        checkAnchor(anchors, entry.getSeq(), entry.getEntryHash().toByteArray());
        if (authoredByMember(entry, chain)) {
          counted.add(entry); // the rest: by a revoked device after its revocation, never applied
        }
      }
      verifySignatures(counted, chain, verifiers, signatures);
      checkDeviceListsAgree(counted, chain);
      for (LogEntry entry : counted) {
        releases.see(entry);
      }
      LogEntry last = page.getEntries(page.getEntriesCount() - 1);
      releases.checkPassed(last.getSeq());
      List<RemoteChange> changes = new ArrayList<>(counted.size());
      for (LogEntry entry : counted) {
        Change change = entry.getChange();
        changes.add(
            new RemoteChange(
                entry.getSeq(),
                entry.getEntryHash().toByteArray(),
                change.getChangeId().toByteArray(),
                change.getDeviceId().toByteArray(),
                change.getRecordId().toByteArray(),
                change.getPayload().toByteArray()));
      }
      cursor =
          cursor
              .withHead(last.getSeq(), last.getEntryHash().toByteArray())
              .withAwaitingRelease(releases.awaiting());
      hand(new PageItem(new Page(changes, cursor)));
    }
    if (head != null
        && head.getSeq() == cursor.seq()
        && !MessageDigest.isEqual(head.getEntryHash().toByteArray(), cursor.headHash())) {
      // Same length, other contents: the log this device verified was replaced.
      throw forked(start.seq());
    }
    if (!closed && head != null && Long.compareUnsigned(cursor.seq(), head.getSeq()) < 0) {
      // The pull's last page must reach the head announced when it started.
      throw new VaultException.Corrupt(
          "the sync server announced "
              + head.getSeq()
              + " log entries but sent them only up to "
              + cursor.seq()
              + " (a server that withholds changes); refusing to sync");
    }
    return new End(Optional.ofNullable(head));
  }

  /** Waits for room in the queue, unless the caller has stopped listening. */
  private void hand(Item item) {
    try {
      while (!closed && !items.offer(item, 100, TimeUnit.MILLISECONDS)) {
        // The caller is still applying earlier pages.
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A log position some device verified: the entry hash there, and who vouches for it. */
  private record Anchor(byte[] entryHash, String verifiedBy) {}

  /**
   * The log positions this pull must pass through unchanged: those revocations name, each with the
   * entry hash its revoker verified there (so a server cannot number a revoked device's later
   * change below its cut-off for a device that reads the log from its start), and the position the
   * device that linked this one had verified (so a server cannot show a new device another history
   * than the one it was linked into).
   */
  private static Map<Long, Anchor> anchors(DeviceChain chain, Optional<ChainHead> linkedAt) {
    Map<Long, Anchor> anchors = new HashMap<>();
    linkedAt.ifPresent(
        head ->
            anchors.put(head.seq(), new Anchor(head.hash(), "the device that linked this one")));
    for (DeviceChain.Member member : chain.members()) {
      if (member.revokedAfterLogSeq().isPresent() && !member.revokedAfterLogHash().isEmpty()) {
        anchors.put(
            member.revokedAfterLogSeq().get(),
            new Anchor(
                member.revokedAfterLogHash().toByteArray(),
                "a device when it revoked another (the server reordered or rewrote changes around"
                    + " a revocation)"));
      }
    }
    return anchors;
  }

  private static void checkAnchor(Map<Long, Anchor> anchors, long seq, byte[] entryHash) {
    Anchor anchor = anchors.get(seq);
    if (anchor != null && !MessageDigest.isEqual(anchor.entryHash(), entryHash)) {
      throw new VaultException.Corrupt(
          "the sync server's log differs at entry "
              + Long.toUnsignedString(seq)
              + " from the log verified by "
              + anchor.verifiedBy()
              + "; refusing to sync");
    }
  }

  /**
   * Every checkpoint among {@code entries} names the device chain head its device verified: where
   * this device's verified chain reaches that link, it must hold the same link there. A server that
   * shows two devices different device lists (one sees a link the other never does) is caught by
   * the first checkpoint that crosses over. A head beyond this device's chain is not judged: the
   * link may have been appended since this device fetched the chain.
   */
  private static void checkDeviceListsAgree(List<LogEntry> entries, DeviceChain chain) {
    for (LogEntry entry : entries) {
      Change change = entry.getChange();
      // A checkpoint is filed under its device's id; nothing else is.
      if (!change.getRecordId().equals(change.getDeviceId())) {
        continue;
      }
      SyncPayload payload;
      try {
        payload = SyncPayload.parseFrom(change.getPayload());
      } catch (InvalidProtocolBufferException e) {
        continue; // refused with its reason when it is applied
      }
      if (!payload.hasCheckpoint()) {
        continue;
      }
      Checkpoint checkpoint = payload.getCheckpoint();
      long seq = checkpoint.getChainSeq();
      if (Long.compareUnsigned(seq, chain.headSeq()) <= 0
          && !chain.contains(seq, checkpoint.getChainHeadHash().toByteArray())) {
        throw new VaultException.Corrupt(
            "the sync server showed device "
                + HexFormat.of().formatHex(change.getDeviceId().toByteArray()).substring(0, 8)
                + " a different list of the vault's devices than this device (they disagree at"
                + " link "
                + Long.toUnsignedString(seq)
                + "): the server is lying or was altered; refusing to sync. Nothing on this"
                + " device was changed");
      }
    }
  }

  /**
   * Whether a change counts: its device must be a member of the verified chain (else the server
   * slipped it in: refused), and not revoked before the change's log position (else skipped).
   */
  private static boolean authoredByMember(LogEntry entry, DeviceChain chain) {
    Change change = entry.getChange();
    Optional<DeviceChain.Member> device = chain.member(change.getDeviceId());
    if (device.isEmpty()) {
      throw new VaultException.Corrupt(
          "log entry "
              + Long.toUnsignedString(entry.getSeq())
              + " is by device "
              + HexFormat.of().formatHex(change.getDeviceId().toByteArray())
              + ", which is not a device of this vault's verified device chain; refusing to sync");
    }
    return device.get().authoredAt(entry.getSeq());
  }

  /**
   * Checks every change's signature by its device (one Ed25519 check per batch the device signed).
   * On this thread alone: the caller applies the pages before this one at the same time, and
   * applying (one SQLite connection) is the slower of the two, so it should not have to share its
   * core with checks that would run ahead anyway.
   */
  private static void verifySignatures(
      List<LogEntry> entries,
      DeviceChain chain,
      Map<ByteString, PublicKeyVerify> verifiers,
      ChangeSignatureCheck check) {
    for (LogEntry entry : entries) {
      ByteString author = entry.getChange().getDeviceId();
      if (!verifiers.containsKey(author)) {
        try {
          verifiers.put(
              author,
              DeviceSignatureVerifier.of(chain.member(author).orElseThrow().signingPublicKeyset()));
        } catch (GeneralSecurityException e) {
          throw badSignature(entry);
        }
      }
    }
    for (LogEntry entry : entries) {
      Change change = entry.getChange();
      try {
        check.verify(verifiers.get(change.getDeviceId()), change);
      } catch (GeneralSecurityException e) {
        throw badSignature(entry);
      }
    }
  }

  private static VaultException badSignature(LogEntry entry) {
    return new VaultException.Corrupt(
        "log entry "
            + Long.toUnsignedString(entry.getSeq())
            + " does not carry a valid signature"
            + " of device "
            + HexFormat.of().formatHex(entry.getChange().getDeviceId().toByteArray())
            + "; refusing to sync");
  }

  private static VaultException wentBack(long headSeq, long verifiedSeq) {
    return new VaultException.Corrupt(
        "the sync server's log went back in time: it ends at seq "
            + Long.toUnsignedString(headSeq)
            + ", but this device verified it up to seq "
            + Long.toUnsignedString(verifiedSeq)
            + " (a restore from an older backup does this, or a server hiding changes);"
            + " refusing to sync, nothing here changed: ask the server's operator");
  }

  private static VaultException forked(long verifiedSeq) {
    return new VaultException.Corrupt(
        "the sync server's history does not extend what this device verified before (seq "
            + Long.toUnsignedString(verifiedSeq)
            + "); refusing to sync");
  }
}
