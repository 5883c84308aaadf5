package dev.memvault.sdk.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import dev.memvault.core.sync.DeviceSigningKey;
import dev.memvault.proto.sync.v1.AuthServiceGrpc;
import dev.memvault.proto.sync.v1.AuthenticateRequest;
import dev.memvault.proto.sync.v1.Change;
import dev.memvault.proto.sync.v1.GetChallengeRequest;
import dev.memvault.proto.sync.v1.GetChallengeResponse;
import dev.memvault.proto.sync.v1.Head;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.proto.sync.v1.PullRequest;
import dev.memvault.proto.sync.v1.PullResponse;
import dev.memvault.proto.sync.v1.PushRequest;
import dev.memvault.proto.sync.v1.SignedDeviceLink;
import dev.memvault.proto.sync.v1.SyncServiceGrpc;
import dev.memvault.protocol.SigningInputs;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.server.ServerConfig;
import dev.memvault.server.SyncServer;
import dev.memvault.server.auth.ServerSecret;
import dev.memvault.server.limits.Limits;
import dev.memvault.server.store.EmbeddedSyncStore;
import dev.memvault.server.store.SyncStore;
import io.grpc.ForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The real sync server on Netty over TCP on 127.0.0.1, with its embedded store in a directory,
 * inside the test JVM. Restartable on the same port and secret, on the same or another directory
 * (to roll its storage back).
 */
final class RealServer implements AutoCloseable {
  static final String SERVER_ID = "memvault-test-server";
  private static final ServerSecret SECRET = ServerSecret.generate(new SecureRandom());

  /** Bound by the first start (0 until then), and bound again by every restart. */
  private int port;

  private Path data;

  /** Opens the store at each start: the embedded one on {@link #data} unless given another. */
  private final Supplier<SyncStore> stores;

  private SyncStore store;
  private SyncServer server;
  private Limits limits;

  /** What a lying server does to its answers; none while the server is honest. */
  private ServerInterceptor tampering;

  RealServer(Path data) {
    this(data, Limits.DEFAULTS);
  }

  /** A server enforcing {@code limits} (for example a low rate). */
  RealServer(Path data, Limits limits) {
    this.data = data;
    this.limits = limits;
    this.stores = () -> EmbeddedSyncStore.open(this.data, Limits.DEFAULTS.storeLimits());
    start();
  }

  /** A server on the stores {@code stores} opens (PostgreSQL, say), one at each start. */
  RealServer(Supplier<SyncStore> stores) {
    this.limits = Limits.DEFAULTS;
    this.stores = stores;
    start();
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  Path data() {
    return data;
  }

  void start() {
    store = stores.get();
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(
            new InetSocketAddress("127.0.0.1", port), InsecureServerCredentials.create());
    if (tampering != null) {
      builder.intercept(tampering);
    }
    server =
        new SyncServer(
            builder,
            store,
            ServerConfig.builder(SERVER_ID, SECRET)
                .shutdownGrace(Duration.ofSeconds(1))
                .limits(limits)
                .build());
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // The first start binds port 0: no other process can take the port between its choice and
    // the bind, as one could when a probe socket chose it and closed it again.
    port = server.port();
  }

  void stop() {
    server.close();
  }

  /** Restarts the server answering through {@code interceptor} (null: honest again). */
  void restartTampering(ServerInterceptor interceptor) {
    stop();
    tampering = interceptor;
    start();
  }

  /**
   * A server that keeps the newest entry of every vault's log out of each Pull, the head it
   * announces included: the log it shows is a valid chain, one entry short (what a server does that
   * acknowledges a push and then withholds it).
   */
  static ServerInterceptor withholdingNewestEntry() {
    return pullRewriter(
        page -> {
          Head head = page.getHead();
          for (LogEntry entry : page.getEntriesList()) {
            if (entry.getSeq() == head.getSeq()) {
              return page.toBuilder()
                  .clearEntries()
                  .addAllEntries(without(page, head.getSeq()))
                  .setHead(
                      Head.newBuilder().setSeq(head.getSeq() - 1).setEntryHash(entry.getPrevHash()))
                  .build();
            }
          }
          return page;
        });
  }

  /**
   * A server that announces its true head in every Pull but never sends the newest entry: the pull
   * ends short of the head it announced.
   */
  static ServerInterceptor stoppingShortOfTheHead() {
    return pullRewriter(
        page ->
            page.toBuilder()
                .clearEntries()
                .addAllEntries(without(page, page.getHead().getSeq()))
                .build());
  }

  /**
   * A server that serves vault {@code vaultId}'s log with the entry at {@code fromSeq} moved to
   * position {@code toSeq}, every entry from there on renumbered and hashed again: a valid chain
   * whose order is the server's invention. Applies to pulls from the start of the log that fit in
   * one page (the small logs of tests).
   */
  static ServerInterceptor movingEntry(byte[] vaultId, long fromSeq, long toSeq) {
    return pullRewriter(
        page -> {
          if (page.getEntriesCount() == 0 || page.getEntries(0).getSeq() != 1) {
            return page;
          }
          List<LogEntry> order = new ArrayList<>(page.getEntriesList());
          LogEntry moved = order.remove((int) fromSeq - 1);
          order.add((int) toSeq - 1, moved);
          List<LogEntry> rewritten = new ArrayList<>();
          byte[] prev = dev.memvault.protocol.LogChain.genesisHash();
          for (int i = 0; i < order.size(); i++) {
            long seq = i + 1;
            byte[] hash =
                dev.memvault.protocol.LogChain.entryHash(
                    vaultId, seq, prev, order.get(i).getChange());
            rewritten.add(
                order.get(i).toBuilder()
                    .setSeq(seq)
                    .setPrevHash(ByteString.copyFrom(prev))
                    .setEntryHash(ByteString.copyFrom(hash))
                    .build());
            prev = hash;
          }
          LogEntry last = rewritten.get(rewritten.size() - 1);
          return page.toBuilder()
              .clearEntries()
              .addAllEntries(rewritten)
              .setHead(Head.newBuilder().setSeq(last.getSeq()).setEntryHash(last.getEntryHash()))
              .build();
        });
  }

  private static List<LogEntry> without(PullResponse page, long seq) {
    return page.getEntriesList().stream().filter(entry -> entry.getSeq() != seq).toList();
  }

  private static ServerInterceptor pullRewriter(UnaryOperator<PullResponse> rewrite) {
    return rewriter("/Pull", rewrite);
  }

  /**
   * A server that alters one byte of every memory revision it serves a grant's provider, its
   * signature left as the device made it.
   */
  static ServerInterceptor alteringGrantedRevisions() {
    return rewriter(
        "/PullGranted",
        page -> {
          PullResponse.Builder altered = page.toBuilder().clearEntries();
          for (LogEntry entry : page.getEntriesList()) {
            byte[] payload = entry.getChange().getPayload().toByteArray();
            payload[payload.length - 1] ^= 1;
            altered.addEntries(
                entry.toBuilder()
                    .setChange(
                        entry.getChange().toBuilder()
                            .setPayload(com.google.protobuf.ByteString.copyFrom(payload))));
          }
          return altered.build();
        });
  }

  private static ServerInterceptor rewriter(
      String methodSuffix, UnaryOperator<PullResponse> rewrite) {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (!call.getMethodDescriptor().getFullMethodName().endsWith(methodSuffix)) {
          return next.startCall(call, headers);
        }
        return next.startCall(
            new ForwardingServerCall.SimpleForwardingServerCall<Q, R>(call) {
              @Override
              @SuppressWarnings("unchecked")
              public void sendMessage(R message) {
                super.sendMessage((R) rewrite.apply((PullResponse) message));
              }
            },
            headers);
      }
    };
  }

  /** Stops, and starts again on {@code other} data (a copy from earlier: a rollback). */
  void restartOn(Path other) {
    stop();
    data = other;
    start();
  }

  /**
   * What a malicious server can do with a device it controls: sign in as that device in vault
   * {@code vaultId} (where the server itself listed it) and push the device's pending changes, each
   * with a valid signature of the device.
   */
  void pushAs(byte[] vaultId, MemoryVault device) {
    byte[] deviceId = device.replica().deviceIdBytes();
    push(
        vaultId,
        device,
        SignedChange.batch(
            device.replica().deviceSigningKey(),
            vaultId,
            ByteString.copyFrom(deviceId),
            device.replica().pendingChanges(0, 100)),
        false);
  }

  /**
   * What a server that keeps one copy of its storage per device does to join the views: it appends
   * changes another device signed (taken from that device's view) to this log, as they are,
   * signatures and batch proofs included.
   */
  void replayAs(byte[] vaultId, MemoryVault device, List<Change> signedChanges) {
    push(vaultId, device, signedChanges, true);
  }

  /** Every log entry of vault {@code vaultId} as this server serves it to {@code device}. */
  List<LogEntry> pullAs(byte[] vaultId, MemoryVault device) {
    ManagedChannel channel = channel();
    try {
      List<LogEntry> entries = new ArrayList<>();
      SyncServiceGrpc.newBlockingStub(channel)
          .withInterceptors(
              MetadataUtils.newAttachHeadersInterceptor(signIn(channel, vaultId, device)))
          .pull(PullRequest.newBuilder().setAfterSeq(0).setPageSize(500).build())
          .forEachRemaining(page -> entries.addAll(page.getEntriesList()));
      return entries;
    } finally {
      channel.shutdownNow();
    }
  }

  private void push(byte[] vaultId, MemoryVault device, List<Change> changes, boolean idsOnly) {
    ManagedChannel channel = channel();
    try {
      SyncServiceGrpc.newBlockingStub(channel)
          .withInterceptors(
              MetadataUtils.newAttachHeadersInterceptor(signIn(channel, vaultId, device)))
          .push(PushRequest.newBuilder().addAllChanges(changes).setIdsOnly(idsOnly).build());
    } finally {
      channel.shutdownNow();
    }
  }

  private ManagedChannel channel() {
    return Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
        .build();
  }

  /** A session of {@code device} in vault {@code vaultId}: the authorization header. */
  private static Metadata signIn(ManagedChannel channel, byte[] vaultId, MemoryVault device) {
    DeviceSigningKey key = device.replica().deviceSigningKey();
    byte[] deviceId = device.replica().deviceIdBytes();
    AuthServiceGrpc.AuthServiceBlockingStub auth = AuthServiceGrpc.newBlockingStub(channel);
    GetChallengeResponse challenge =
        auth.getChallenge(
            GetChallengeRequest.newBuilder()
                .setVaultId(ByteString.copyFrom(vaultId))
                .setDeviceId(ByteString.copyFrom(deviceId))
                .build());
    byte[] signed =
        SigningInputs.authentication(
            challenge.getServerId(),
            challenge.getPurpose(),
            vaultId,
            deviceId,
            challenge.getNonce().toByteArray());
    String token =
        auth.authenticate(
                AuthenticateRequest.newBuilder()
                    .setVaultId(ByteString.copyFrom(vaultId))
                    .setDeviceId(ByteString.copyFrom(deviceId))
                    .setNonce(challenge.getNonce())
                    .setSignature(ByteString.copyFrom(key.sign(signed)))
                    .build())
            .getSessionToken();
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return headers;
  }

  /** Every entry of the vault's log as this server stores it: what it could hand anyone. */
  List<LogEntry> storedLog(byte[] vaultId) {
    return store.read(vaultId, 0, Integer.MAX_VALUE);
  }

  // ------------------------------------------------------------ editing its own storage, stopped

  /** The vault's device chain as this server stored it; the server must be stopped. */
  List<SignedDeviceLink> storedChain(byte[] vaultId) {
    try (EmbeddedSyncStore stopped = EmbeddedSyncStore.open(data, Limits.DEFAULTS.storeLimits())) {
      return stopped.deviceChain(vaultId);
    }
  }

  /** A link written straight into the stored chain, unchecked; the server must be stopped. */
  void insertLink(byte[] vaultId, long seq, SignedDeviceLink link) throws SQLException {
    try (Connection db = database();
        PreparedStatement insert =
            db.prepareStatement(
                "INSERT INTO device_links (vault_id, seq, link) VALUES (?, ?, ?)")) {
      insert.setBytes(1, vaultId);
      insert.setLong(2, seq);
      insert.setBytes(3, link.toByteArray());
      assertEquals(1, insert.executeUpdate());
    }
  }

  /** The server lets a revoked device sign in again; the server must be stopped. */
  void reinstate(byte[] vaultId, byte[] deviceId) throws SQLException {
    try (Connection db = database();
        PreparedStatement update =
            db.prepareStatement(
                "UPDATE devices SET revoked_at_ms = 0 WHERE vault_id = ? AND device_id = ?")) {
      update.setBytes(1, vaultId);
      update.setBytes(2, deviceId);
      assertEquals(1, update.executeUpdate());
    }
  }

  /** The embedded store's database, opened directly. */
  Connection database() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + data.resolve("sync.db"));
  }

  @Override
  public void close() {
    stop();
  }
}
