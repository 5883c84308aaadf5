package dev.memvault.sdk.sync;

import com.google.crypto.tink.signature.SignatureConfig;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.memvault.core.VaultException;
import dev.memvault.core.sync.ApplyReport;
import dev.memvault.core.sync.ChainHead;
import dev.memvault.core.sync.DeviceLinks;
import dev.memvault.core.sync.DeviceSigningKey;
import dev.memvault.core.sync.OutboxEntry;
import dev.memvault.core.sync.RemoteChange;
import dev.memvault.core.sync.Replica;
import dev.memvault.core.sync.SyncCursor;
import dev.memvault.proto.sync.v1.AppendDeviceLinkRequest;
import dev.memvault.proto.sync.v1.AuthServiceGrpc;
import dev.memvault.proto.sync.v1.AuthenticateRequest;
import dev.memvault.proto.sync.v1.DeviceLink;
import dev.memvault.proto.sync.v1.GetChallengeResponse;
import dev.memvault.proto.sync.v1.GetDeviceChainRequest;
import dev.memvault.proto.sync.v1.GrantedScope;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.proto.sync.v1.PushRequest;
import dev.memvault.proto.sync.v1.PushResponse;
import dev.memvault.proto.sync.v1.RecoveryReplaced;
import dev.memvault.proto.sync.v1.RegisterVaultRequest;
import dev.memvault.proto.sync.v1.SignedDeviceLink;
import dev.memvault.proto.sync.v1.SyncServiceGrpc;
import dev.memvault.proto.sync.v1.WatchRequest;
import dev.memvault.protocol.DeviceChain;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.protocol.LogChain;
import dev.memvault.sdk.MemoryVault;
import io.grpc.ChannelCredentials;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Syncs one vault with a memvault sync server (proto/README.md): signs in with the device's Ed25519
 * key (registering the vault on first use), pushes the outbox, pulls the log from the stored
 * cursor, and applies what other devices wrote.
 *
 * <p>Security: every pulled page must extend the log head this device verified before ({@link
 * LogChain#verifyExtends}); a server that rolls its log back, forks it or rewrites it is refused.
 * Every pulled change must carry a valid signature by a device of the vault's device chain, which
 * this client verifies link by link ({@link DeviceChain}): a server cannot add a device of its own,
 * nor drop links this device verified before. Changes a revoked device wrote after its revocation
 * are skipped.
 *
 * <p>Not thread-safe; one sync at a time per vault.
 */
public final class SyncClient implements AutoCloseable {
  /**
   * Changes per Push: the server's default maximum. Each push costs a round trip, a signature and a
   * commit whatever its size, so fewer, larger pushes go faster (about 600 KB for 1 KiB notes).
   */
  public static final int PUSH_BATCH = 500;

  /**
   * Push batches on their way at once: the server stores while the next batches travel and are
   * checked. It reads as many ahead itself (PushStream.AHEAD on the server).
   */
  public static final int PUSH_WINDOW = 4;

  /** How long a push waits for the server to answer a batch before giving up. */
  static final Duration PUSH_ANSWER_TIMEOUT = Duration.ofMinutes(2);

  public static final int PULL_PAGE = 200;

  /** Most changes applied in one transaction when verified pages are waiting. */
  static final int APPLY_BATCH = 2_000;

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  static {
    try {
      SignatureConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Replica vault;
  private final String serverUrl;
  private final ManagedChannel channel;

  /** The signed-in stub of the last sync, for {@link #watch}. */
  private SyncServiceGrpc.SyncServiceBlockingStub session;

  private PullListener pullListener = PullListener.NONE;

  private SyncClient(Replica vault, String serverUrl, ManagedChannel channel) {
    this.vault = vault;
    this.serverUrl = serverUrl;
    this.channel = channel;
  }

  /**
   * A client for {@code serverUrl} ({@code http://host:port} in plaintext, for a server on this
   * machine or behind a TLS proxy; {@code https://host:port} with TLS). A URL other than the one
   * the vault synced with before starts over from the beginning of the new server's log.
   */
  public static SyncClient connect(MemoryVault vault, String serverUrl) {
    return new SyncClient(vault.replica(), serverUrl, channel(serverUrl));
  }

  /** A client of {@code replica}'s vault for {@code serverUrl} (tests act between its calls). */
  static SyncClient connect(Replica replica, String serverUrl) {
    return new SyncClient(replica, serverUrl, channel(serverUrl));
  }

  /** A channel to {@code serverUrl}, checked as {@link #connect(MemoryVault, String)} says. */
  static ManagedChannel channel(String serverUrl) {
    URI uri;
    try {
      uri = URI.create(serverUrl);
    } catch (IllegalArgumentException e) {
      throw new VaultException.InvalidInput("'" + serverUrl + "' is not a server URL");
    }
    ChannelCredentials credentials;
    int defaultPort;
    if ("http".equals(uri.getScheme())) {
      credentials = InsecureChannelCredentials.create();
      defaultPort = 80;
    } else if ("https".equals(uri.getScheme())) {
      credentials = TlsChannelCredentials.create();
      defaultPort = 443;
    } else {
      throw new VaultException.InvalidInput(
          "'" + serverUrl + "' is not a server URL: use http://host:port or https://host:port");
    }
    if (uri.getHost() == null) {
      throw new VaultException.InvalidInput("'" + serverUrl + "' names no host");
    }
    int port = uri.getPort() == -1 ? defaultPort : uri.getPort();
    return Grpc.newChannelBuilderForAddress(uri.getHost(), port, credentials).build();
  }

  /**
   * A client for the server this vault synced with last.
   *
   * @throws VaultException.InvalidInput if it never synced
   */
  public static SyncClient connect(MemoryVault vault) {
    Optional<SyncCursor> cursor = vault.replica().syncCursor();
    if (cursor.isEmpty()) {
      throw new VaultException.InvalidInput(
          "this vault has not synced yet: give the server URL (--server http://host:port)");
    }
    return connect(vault, cursor.get().serverUrl());
  }

  /** Tells {@code listener} of every batch the following syncs apply; replaces the last one. */
  public void setPullListener(PullListener listener) {
    pullListener = Objects.requireNonNull(listener, "listener");
  }

  /** Pushes, then pulls and applies. Safe to repeat: nothing is pushed or applied twice. */
  public SyncReport sync() {
    try {
      SyncServiceGrpc.SyncServiceBlockingStub sync = signedIn();
      int pushed = push(sync);
      SyncReport report = pull(sync, vault.syncCursor().orElseThrow(), pushed);
      if (report.pushed() > 0 || report.revisionsApplied() + report.scopesApplied() > 0) {
        // What this device now verified goes out signed, for the others to check against
        // theirs; its own pull confirms it next time.
        vault.enqueueCheckpoint(vault.trustedChainHead().orElseThrow());
        push(sync);
      }
      vault.markSynced();
      return report;
    } catch (StatusRuntimeException e) {
      throw failure(e);
    }
  }

  /**
   * Signs in (registering the vault on first use) and returns the session's stub. A URL other than
   * the one the vault synced with before starts a new cursor at the beginning of that log.
   */
  private SyncServiceGrpc.SyncServiceBlockingStub signedIn() {
    SyncCursor cursor = vault.syncCursor().orElse(null);
    if (cursor == null || !cursor.serverUrl().equals(serverUrl)) {
      cursor = SyncCursor.start(serverUrl);
      vault.saveSyncCursor(cursor);
    }
    String token = signIn(cursor);
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + token);
    session =
        SyncServiceGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    return session;
  }

  Replica vault() {
    return vault;
  }

  /** The signed-in stub of the last {@link #sync()}. */
  SyncServiceGrpc.SyncServiceBlockingStub session() {
    return session;
  }

  /** The URL this client talks to, as given. */
  public String serverUrl() {
    return serverUrl;
  }

  /**
   * The vault's device chain from the server, verified link by link ({@link DeviceChain}); it must
   * contain the head this device verified before, and this device must be an active member. The new
   * head is stored.
   *
   * @throws VaultException.Corrupt if the chain breaks a rule or lost what this device verified
   */
  DeviceChain verifiedChain(SyncServiceGrpc.SyncServiceBlockingStub sync) {
    return verifiedChain(sync, false);
  }

  /**
   * As {@link #verifiedChain(SyncServiceGrpc.SyncServiceBlockingStub)}; a chain in which another
   * device started the log over since this device last verified it is refused unless {@code
   * followingNewLog}, since the log this device verified is gone.
   */
  private DeviceChain verifiedChain(
      SyncServiceGrpc.SyncServiceBlockingStub sync, boolean followingNewLog) {
    List<SignedDeviceLink> links =
        sync.getDeviceChain(GetDeviceChainRequest.getDefaultInstance()).getChainList();
    DeviceChain chain;
    try {
      chain = DeviceChain.verify(vault.vaultIdBytes(), links, ClientSignatures.INSTANCE);
    } catch (DeviceChain.BrokenDeviceChainException e) {
      throw new VaultException.Corrupt(
          "the sync server's list of this vault's devices fails its check ("
              + e.getMessage()
              + "); refusing to sync");
    }
    Optional<ChainHead> trusted = vault.trustedChainHead();
    if (trusted.isPresent() && !chain.contains(trusted.get().seq(), trusted.get().hash())) {
      throw new VaultException.Corrupt(
          "the sync server's list of this vault's devices no longer holds what this device"
              + " verified before (link "
              + trusted.get().seq()
              + "): it was rolled back or"
              + " replaced; refusing to sync");
    }
    Optional<DeviceChain.Member> self = chain.member(ByteString.copyFrom(vault.deviceIdBytes()));
    if (self.isEmpty()) {
      throw new VaultException.Corrupt(
          "the sync server's list of this vault's devices does not hold this device; refusing to"
              + " sync");
    }
    if (!self.get().active()) {
      throw new VaultException(
          "this device was revoked from the vault by another device; it can no longer sync");
    }
    if (!followingNewLog
        && trusted.isPresent()
        && Long.compareUnsigned(chain.logStartSeq(), trusted.get().seq()) > 0) {
      throw new VaultException(startedOverElsewhere(chain));
    }
    vault.trustChain(chain);
    return chain;
  }

  /** What a device says when another device started the log over since it last synced. */
  private String startedOverElsewhere(DeviceChain chain) {
    String by = "another device";
    String when = "";
    try {
      DeviceLink link =
          DeviceLink.parseFrom(chain.links().get((int) chain.logStartSeq() - 1).getLink());
      by =
          "device "
              + HexFormat.of().formatHex(link.getSignerDeviceId().toByteArray()).substring(0, 8);
      when = " on " + Instant.ofEpochMilli(link.getCreatedAtMs()).truncatedTo(ChronoUnit.SECONDS);
    } catch (InvalidProtocolBufferException e) {
      // The chain verified, so the link parses; say less rather than fail.
    }
    return by
        + " started this vault's log over at "
        + serverUrl
        + when
        + " (README, 'When the server lied'): the log this device verified is gone. If you trust"
        + " that device's memories, run `memvault sync --server "
        + serverUrl
        + " --follow-new-log`; until then this device does not sync";
  }

  /**
   * Starts the vault's log over at this client's server from this device, after a detected lie
   * (README, "When the server lied"): uploads the device chain this device verified, with a link
   * signed by this device that says the log starts over, which replaces whatever the server held of
   * the vault; then publishes this device's whole vault (every scope, every memory, forgotten ones
   * as tombstones) as new revisions of its own, and syncs. Other devices follow with {@link
   * #followNewLog}.
   *
   * @return the sync that published the vault
   * @throws VaultException if this device holds no whole verified device chain yet, or the server
   *     refuses
   */
  public SyncReport startOver() {
    List<SignedDeviceLink> links = vault.rememberedChain();
    Optional<ChainHead> trusted = vault.trustedChainHead();
    if (trusted.isEmpty() || vault.syncCursor().isEmpty()) {
      throw new VaultException(
          "this device has never synced, so it holds no list of the vault's devices to start a"
              + " log from: start the log over from a device that has synced");
    }
    DeviceChain chain;
    try {
      chain = DeviceChain.verify(vault.vaultIdBytes(), links, ClientSignatures.INSTANCE);
    } catch (DeviceChain.BrokenDeviceChainException e) {
      throw new VaultException.Corrupt(
          "the device list this device kept fails its check (" + e.getMessage() + ")");
    }
    if (chain.headSeq() != trusted.get().seq()
        || !MessageDigest.isEqual(chain.headHash(), trusted.get().hash())) {
      throw new VaultException(
          "this device does not hold the whole device list it verified (it has not synced since"
              + " memvault was upgraded); start the log over from a device that has synced since,"
              + " or sync this one once first");
    }
    Optional<SyncCursor> before = vault.syncCursor();
    long previousSeq = before.map(SyncCursor::seq).orElse(0L);
    byte[] previousHash =
        before.filter(c -> c.seq() > 0).map(SyncCursor::headHash).orElse(LogChain.genesisHash());
    DeviceSigningKey key = vault.deviceSigningKey();
    SignedDeviceLink restart =
        DeviceLinks.startsLogOver(
            chain,
            vault.deviceIdBytes(),
            key,
            previousSeq,
            previousHash,
            System.currentTimeMillis());
    List<SignedDeviceLink> restarted = new ArrayList<>(links);
    restarted.add(restart);
    try {
      AuthServiceGrpc.AuthServiceBlockingStub auth = AuthServiceGrpc.newBlockingStub(channel);
      SyncCursor fresh = SyncCursor.start(serverUrl);
      auth.registerVault(
          RegisterVaultRequest.newBuilder()
              .setProof(proof(auth, fresh, key))
              .setSigningPublicKeyset(ByteString.copyFrom(key.publicKeyset()))
              .setGenesis(links.get(0))
              .setRootKeyByRecovery(ByteString.copyFrom(vault.rootKeyByRecovery()))
              .addAllStartOverChain(restarted)
              .build());
    } catch (StatusRuntimeException e) {
      throw failure(e);
    }
    vault.startLogOver(serverUrl);
    try {
      vault.trustChain(chain.extendedBy(restart, ClientSignatures.INSTANCE));
    } catch (DeviceChain.BrokenDeviceChainException e) {
      throw new IllegalStateException("this device's own link breaks its chain", e);
    }
    return sync();
  }

  /**
   * Follows a log another device started over at this client's server (README, "When the server
   * lied"): checks the server's device list as every sync does (it must hold what this device
   * verified, and this device must be active in it), forgets the log this device verified before,
   * and syncs from the start of the new one. Changes this device had not pushed yet stay queued and
   * go out with this sync, and so do the memories the new log never names (the device that started
   * it over never had them), as new revisions of this device. Interrupted, it can run again.
   *
   * @throws VaultException if the server's log never started over, or its device list fails
   */
  public SyncReport followNewLog() {
    try {
      SyncServiceGrpc.SyncServiceBlockingStub sync = signedIn();
      DeviceChain chain = verifiedChain(sync, true);
      if (chain.logStartSeq() == 0) {
        throw new VaultException(
            "the vault's log at "
                + serverUrl
                + " was never started over by a device; nothing to follow (run `memvault sync`)");
      }
      vault.followNewLog(serverUrl);
    } catch (StatusRuntimeException e) {
      throw failure(e);
    }
    SyncReport read = sync();
    // The new log is read to its head: what it never named, its starter never had.
    return vault.publishUnheard() > 0 ? sync() : read;
  }

  /** The vault's devices as the verified chain lists them, this device marked. */
  public List<DeviceInfo> devices() {
    try {
      DeviceChain chain = verifiedChain(signedIn());
      ByteString self = ByteString.copyFrom(vault.deviceIdBytes());
      return chain.members().stream().map(member -> DeviceInfo.of(member, self)).toList();
    } catch (StatusRuntimeException e) {
      throw failure(e);
    }
  }

  /**
   * Revokes another device of the vault: syncs, appends a revocation signed by this device to the
   * device chain (the server then refuses the device, and every client ignores what it writes after
   * this point of the log), rotates every scope key so that memories written from now on are sealed
   * under keys the revoked device never had, and syncs the new keys.
   *
   * @throws VaultException.InvalidInput if the id names no active device, or this device
   */
  public SyncReport revoke(String deviceIdHex) {
    ByteString target = parseDeviceId(deviceIdHex);
    if (target.equals(ByteString.copyFrom(vault.deviceIdBytes()))) {
      throw new VaultException.InvalidInput(
          "this is the device you are using; revoke it from another device of the vault");
    }
    sync();
    try {
      SyncServiceGrpc.SyncServiceBlockingStub sync = session();
      DeviceChain chain = verifiedChain(sync);
      Optional<DeviceChain.Member> member = chain.member(target);
      if (member.isEmpty() || !member.get().active()) {
        throw new VaultException.InvalidInput(
            "no active device " + deviceIdHex + " in this vault; `memvault devices` lists them");
      }
      SyncCursor verified = vault.syncCursor().orElseThrow();
      SignedDeviceLink revocation =
          DeviceLinks.revokes(
              chain,
              vault.deviceIdBytes(),
              vault.deviceSigningKey(),
              target.toByteArray(),
              verified.seq(),
              verified.headHash(),
              System.currentTimeMillis());
      DeviceChain revoked = append(sync, revocation);
      startKeyEpoch(sync, revoked);
    } catch (StatusRuntimeException e) {
      throw failure(e);
    }
    return sync();
  }

  /**
   * Appends {@code link} to the device chain, and returns the chain the server answers with,
   * verified and stored as this device's trusted head.
   */
  DeviceChain append(SyncServiceGrpc.SyncServiceBlockingStub sync, SignedDeviceLink link) {
    List<SignedDeviceLink> appended =
        sync.appendDeviceLink(AppendDeviceLinkRequest.newBuilder().setLink(link).build())
            .getChainList();
    DeviceChain after = verifiedLinks(appended);
    vault.trustChain(after);
    return after;
  }

  /**
   * Starts the next key epoch of the vault root key, sealed to the devices {@code chain} lists as
   * active, takes it in, and rotates every scope key under it: what is written from now on is
   * sealed under keys that no device revoked before this point ever held, whatever a server hands
   * it.
   */
  private void startKeyEpoch(SyncServiceGrpc.SyncServiceBlockingStub sync, DeviceChain chain) {
    DeviceChain started = append(sync, vault.nextKeyEpoch(chain));
    vault.acceptKeyEpochs(started);
    vault.rotateAllScopeKeys();
  }

  /**
   * Brings this device's keys in step with the verified {@code chain}: names its encryption key if
   * the chain has none for it (a device added before key epochs), takes in the epoch keys sealed to
   * it, and starts a key epoch if a revocation is not yet followed by one (its revoker stopped
   * half-way). Returns the chain as it stands after.
   */
  private DeviceChain keysInStep(SyncServiceGrpc.SyncServiceBlockingStub sync, DeviceChain chain) {
    ByteString self = ByteString.copyFrom(vault.deviceIdBytes());
    DeviceChain current = chain;
    Optional<RecoveryReplaced> rekeyed = vault.pendingRecoveryReplacement();
    if (current.member(self).orElseThrow().encryptionPublicKeyset().isEmpty()
        || rekeyed.isPresent()) {
      current = appendUnlessRaced(sync, vault.encryptionKeyAnnouncement(current), current);
    }
    vault.acceptKeyEpochs(current);
    if (rekeyed.isPresent()) {
      // After a rekey: the new recovery key in the chain, then an epoch sealed to it and to this
      // device's new key, under which every scope key rotates. An old header or backup of this
      // device, or the old recovery key, opens none of it.
      current = append(sync, vault.recoveryReplacement(current, rekeyed.get()));
      startKeyEpoch(sync, current);
      vault.recoveryReplacementPublished();
      return verifiedChain(sync);
    }
    if (current.epochOwed() && vault.currentKeyEpoch() == current.currentEpoch()) {
      DeviceChain started = appendUnlessRaced(sync, vault.nextKeyEpoch(current), current);
      if (started != current) {
        vault.acceptKeyEpochs(started);
        vault.rotateAllScopeKeys();
      }
      current = started;
    }
    return grantKeysInStep(sync, current);
  }

  /**
   * Seals the keys of scopes that rotated on this device to every grant in force that reads them,
   * so a grant keeps reading what is written after a rotation; a grant that ended gets nothing.
   */
  private DeviceChain grantKeysInStep(
      SyncServiceGrpc.SyncServiceBlockingStub sync, DeviceChain chain) {
    DeviceChain current = chain;
    long now = System.currentTimeMillis();
    for (DeviceChain.Grant grant : chain.grants()) {
      if (!grant.inForceAt(now)) {
        continue;
      }
      List<GrantedScope> owed = vault.grantKeysOwed(grant);
      if (!owed.isEmpty()) {
        current =
            appendUnlessRaced(
                sync,
                DeviceLinks.updatesGrantKeys(
                    current,
                    vault.deviceIdBytes(),
                    vault.deviceSigningKey(),
                    grant.grantId(),
                    owed,
                    now),
                current);
      }
    }
    return current;
  }

  /**
   * Appends {@code link}; when another device appended first (CHAIN_CONFLICT), returns the chain as
   * the server now holds it, and the next sync tries again if it still must.
   */
  private DeviceChain appendUnlessRaced(
      SyncServiceGrpc.SyncServiceBlockingStub sync, SignedDeviceLink link, DeviceChain before) {
    try {
      return append(sync, link);
    } catch (StatusRuntimeException e) {
      if (ServerCalls.refusedFor(e, ErrorReason.CHAIN_CONFLICT)) {
        DeviceChain now = verifiedChain(sync);
        vault.acceptKeyEpochs(now);
        return now;
      }
      throw e;
    }
  }

  /** Links the server returned after an append, verified and checked to extend what we had. */
  DeviceChain verifiedLinks(List<SignedDeviceLink> links) {
    try {
      DeviceChain chain =
          DeviceChain.verify(vault.vaultIdBytes(), links, ClientSignatures.INSTANCE);
      ChainHead trusted = vault.trustedChainHead().orElseThrow();
      if (!chain.contains(trusted.seq(), trusted.hash())) {
        throw new DeviceChain.BrokenDeviceChainException("it lost links this device verified");
      }
      return chain;
    } catch (DeviceChain.BrokenDeviceChainException e) {
      throw new VaultException.Corrupt(
          "the sync server answered with a device list that fails its check ("
              + e.getMessage()
              + "); refusing it");
    }
  }

  static ByteString parseDeviceId(String hex) {
    try {
      byte[] id = HexFormat.of().parseHex(hex.trim().toLowerCase(java.util.Locale.ROOT));
      if (id.length == 16) {
        return ByteString.copyFrom(id);
      }
    } catch (IllegalArgumentException e) {
      // falls through to the message below
    }
    throw new VaultException.InvalidInput(
        "'" + hex + "' is not a device id (32 hex digits, as `memvault devices` prints them)");
  }

  /**
   * Syncs now, then again whenever the server accepts a new log entry and at least every {@code
   * interval} (which pushes local writes made meanwhile), reporting each sync that moved anything.
   * While the server cannot be reached it retries with exponential backoff (1 s doubling to 30 s,
   * with jitter), telling {@code onRetry} how long it waits. Returns when the calling thread is
   * interrupted; any other failure ends it with the {@link VaultException} of {@link #sync()}.
   */
  public void watch(Duration interval, Consumer<SyncReport> onSync, Consumer<Duration> onRetry) {
    Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
    while (!Thread.currentThread().isInterrupted()) {
      SyncReport report;
      try {
        report = sync();
        backoff.reset();
      } catch (VaultException.Unreachable e) {
        Duration wait = backoff.next();
        onRetry.accept(wait);
        try {
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
        continue;
      }
      if (report.pushed() > 0 || report.pulled() > 0) {
        onSync.accept(report);
      }
      try (Context.CancellableContext wait = Context.current().withCancellation()) {
        // The first new entry, or the deadline, ends the wait; the next sync pulls the entries.
        wait.run(
            () -> {
              Iterator<LogEntry> news =
                  session
                      .withDeadlineAfter(interval.toMillis(), TimeUnit.MILLISECONDS)
                      .watch(WatchRequest.newBuilder().setAfterSeq(report.seq()).build());
              news.hasNext();
            });
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        if (code == Status.Code.CANCELLED && Thread.currentThread().isInterrupted()) {
          return;
        }
        if (code != Status.Code.DEADLINE_EXCEEDED && code != Status.Code.UNAVAILABLE) {
          throw failure(e);
        }
        // A dropped stream: the next sync finds out whether the server is back.
      }
    }
  }

  /** As {@link #watch(Duration, Consumer, Consumer)}, retrying silently. */
  public void watch(Duration interval, Consumer<SyncReport> onSync) {
    watch(interval, onSync, wait -> {});
  }

  private String signIn(SyncCursor cursor) {
    AuthServiceGrpc.AuthServiceBlockingStub auth = AuthServiceGrpc.newBlockingStub(channel);
    DeviceSigningKey key = vault.deviceSigningKey();
    try {
      return auth.authenticate(proof(auth, cursor, key)).getSessionToken();
    } catch (StatusRuntimeException e) {
      if (ServerCalls.refusedFor(e, ErrorReason.DEVICE_REVOKED)) {
        throw new VaultException(
            "this device was revoked from the vault by another device; it can no longer sync");
      }
      if (!ServerCalls.refusedFor(e, ErrorReason.UNKNOWN_DEVICE)) {
        throw e;
      }
    }
    try {
      return auth.registerVault(
              RegisterVaultRequest.newBuilder()
                  .setProof(proof(auth, vault.syncCursor().orElseThrow(), key))
                  .setSigningPublicKeyset(ByteString.copyFrom(key.publicKeyset()))
                  .setGenesis(vault.genesisLink())
                  .setRootKeyByRecovery(ByteString.copyFrom(vault.rootKeyByRecovery()))
                  .build())
          .getSessionToken();
    } catch (StatusRuntimeException e) {
      if (ServerCalls.refusedFor(e, ErrorReason.VAULT_EXISTS)) {
        throw new VaultException(
            "this device is not a device of the vault at the sync server "
                + serverUrl
                + " (the vault is there, from another device): run `memvault device link` on"
                + " a device of the vault and `memvault join --code` here, into a new vault"
                + " directory");
      }
      throw e;
    }
  }

  /** A signed challenge, after checking the server names itself as it did at first contact. */
  private AuthenticateRequest proof(
      AuthServiceGrpc.AuthServiceBlockingStub auth, SyncCursor cursor, DeviceSigningKey key) {
    GetChallengeResponse challenge =
        ServerCalls.challenge(auth, vault.vaultIdBytes(), vault.deviceIdBytes());
    if (cursor.serverId().isEmpty()) {
      // Trust on first use: the identity is pinned, and a server that later names itself
      // differently (a man in the middle relaying to another server) is refused.
      vault.saveSyncCursor(cursor.withServerId(challenge.getServerId()));
    } else if (!cursor.serverId().equals(challenge.getServerId())) {
      throw new VaultException(
          "the sync server at "
              + serverUrl
              + " now calls itself '"
              + challenge.getServerId()
              + "' but was '"
              + cursor.serverId()
              + "' when this device first synced with it;"
              + " refusing to sign in");
    }
    return ServerCalls.signedProof(challenge, vault.vaultIdBytes(), vault.deviceIdBytes(), key);
  }

  /**
   * Pushes the outbox in batches over one PushStream, {@link #PUSH_WINDOW} batches on their way at
   * once (PushPipeline); each is dropped from the outbox once the server has answered for it. While
   * the server refuses with RATE_LIMITED (a device that pushes a large import at once), waits with
   * backoff and pushes the rest again, halving the batch each time down to one change, since a
   * server whose burst is smaller than a batch never takes the whole batch: change ids make every
   * retry safe.
   */
  private int push(SyncServiceGrpc.SyncServiceBlockingStub sync) {
    DeviceSigningKey key = vault.deviceSigningKey();
    byte[] vaultId = vault.vaultIdBytes();
    ByteString deviceId = ByteString.copyFrom(vault.deviceIdBytes());
    // The session stub's channel carries its sign-in header.
    SyncServiceGrpc.SyncServiceStub stream = SyncServiceGrpc.newStub(sync.getChannel());
    Backoff backoff = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(30));
    int batch = PUSH_BATCH;
    int[] pushed = {0};
    while (true) {
      ArrayDeque<List<OutboxEntry>> sent = new ArrayDeque<>();
      int batchSize = batch;
      try {
        PushPipeline.run(
            stream,
            PUSH_WINDOW,
            PUSH_ANSWER_TIMEOUT,
            () -> {
              long after =
                  sent.isEmpty() ? 0 : sent.peekLast().get(sent.peekLast().size() - 1).seq();
              List<OutboxEntry> pending = vault.pendingChanges(after, batchSize);
              if (pending.isEmpty()) {
                return Optional.empty();
              }
              sent.add(pending);
              return Optional.of(
                  PushRequest.newBuilder()
                      .addAllChanges(SignedChange.batch(key, vaultId, deviceId, pending))
                      .setIdsOnly(true) // only the ids are read below; the pull verifies entries
                      .build());
            },
            (request, response) -> {
              List<OutboxEntry> pending = sent.poll();
              checkAcknowledged(pending, response);
              // Only now: a push lost on the way is retried with the same change ids, which the
              // server stores once.
              vault.acknowledge(
                  pending, response.getEntriesList().stream().map(LogEntry::getSeq).toList());
              pushed[0] += pending.size();
              backoff.reset();
            });
        return pushed[0];
      } catch (StatusRuntimeException e) {
        if (!ServerCalls.refusedFor(e, ErrorReason.RATE_LIMITED)) {
          throw e;
        }
        batch = Math.max(1, batch / 2);
        try {
          Thread.sleep(backoff.next().toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** The server's answer must name the pushed changes, in order, and nothing else. */
  private static void checkAcknowledged(List<OutboxEntry> pending, PushResponse response) {
    if (response.getEntriesCount() != pending.size()) {
      throw new VaultException(
          "the sync server acknowledged "
              + response.getEntriesCount()
              + " of "
              + pending.size()
              + " pushed changes; they stay queued");
    }
    for (int i = 0; i < pending.size(); i++) {
      if (!MessageDigest.isEqual(
          response.getEntries(i).getChange().getChangeId().toByteArray(),
          pending.get(i).changeId())) {
        throw new VaultException(
            "the sync server acknowledged changes other than those pushed; they stay queued");
      }
    }
  }

  private SyncReport pull(
      SyncServiceGrpc.SyncServiceBlockingStub sync, SyncCursor start, int pushed) {
    try {
      return pullOnce(sync, start, pushed);
    } catch (VaultException.KeyEpochUnknown e) {
      // A device started a key epoch after this pull fetched the device chain, and pushed under
      // it: the chain fetched again holds it. A device that is not given the epoch (revoked)
      // fails again, having applied nothing sealed under it.
      return pullOnce(sync, vault.syncCursor().orElseThrow(), pushed);
    }
  }

  private SyncReport pullOnce(
      SyncServiceGrpc.SyncServiceBlockingStub sync, SyncCursor start, int pushed) {
    DeviceChain chain = keysInStep(sync, verifiedChain(sync));
    SyncCursor cursor = start;
    int pulled = 0;
    int revisions = 0;
    int scopes = 0;
    int ownTakenBack = 0;
    boolean filesWentBack = false;
    try (VerifiedPages pages =
        VerifiedPages.start(
            sync, chain, start, vault.vaultIdBytes(), PULL_PAGE, vault.logAnchor())) {
      List<RemoteChange> batch = new ArrayList<>();
      SyncCursor batchCursor = null;
      RuntimeException failure = null;
      while (true) {
        Optional<VerifiedPages.Page> page;
        try {
          page = pages.next();
        } catch (RuntimeException e) {
          // The pages verified before the failure are applied first, as they arrived.
          failure = e;
          page = Optional.empty();
        }
        if (page.isPresent()) {
          batch.addAll(page.get().changes());
          batchCursor = page.get().cursor();
          // Pages join into one transaction while more are waiting, up to APPLY_BATCH
          // changes: a new device applying a whole log pays for one durable commit per batch.
          if (batch.size() < APPLY_BATCH && pages.hasWaitingPage()) {
            continue;
          }
        }
        if (batchCursor != null) {
          ApplyReport applied = vault.applyRemote(batch, batchCursor);
          cursor = batchCursor;
          pulled += batch.size() - applied.checkpoints();
          revisions += applied.revisions();
          scopes += applied.scopes();
          ownTakenBack += applied.ownTakenBack();
          filesWentBack |= applied.filesWentBack();
          batch = new ArrayList<>();
          batchCursor = null;
          pullListener.batchApplied(
              new SyncReport(pushed, pulled, revisions, scopes, cursor.seq()));
        }
        if (failure != null) {
          throw failure;
        }
        if (page.isEmpty()) {
          break;
        }
      }
    }
    int withheld = vault.requeueUnconfirmed();
    if (withheld > 0) {
      throw new VaultException(
          "the sync server acknowledged "
              + withheld
              + " change(s) this device pushed, but its log does not hold them (a server that"
              + " withholds or lost changes); they are queued again and go out with the next"
              + " sync, nothing was lost on this device");
    }
    return new SyncReport(
        pushed, pulled, revisions, scopes, cursor.seq(), ownTakenBack, filesWentBack);
  }

  VaultException failure(StatusRuntimeException e) {
    return ServerCalls.failure(serverUrl, e, "local changes stay queued");
  }

  @Override
  public void close() {
    ServerCalls.close(channel);
  }

  @Override
  public String toString() {
    return "SyncClient[" + serverUrl + "]";
  }
}
