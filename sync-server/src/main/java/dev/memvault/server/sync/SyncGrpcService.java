package dev.memvault.server.sync;

import com.google.crypto.tink.PublicKeyVerify;
import dev.memvault.proto.sync.v1.AppendDeviceLinkRequest;
import dev.memvault.proto.sync.v1.AwaitJoinRequestRequest;
import dev.memvault.proto.sync.v1.AwaitJoinRequestResponse;
import dev.memvault.proto.sync.v1.Change;
import dev.memvault.proto.sync.v1.DeviceChainResponse;
import dev.memvault.proto.sync.v1.GetDeviceChainRequest;
import dev.memvault.proto.sync.v1.Head;
import dev.memvault.proto.sync.v1.ListDevicesRequest;
import dev.memvault.proto.sync.v1.ListDevicesResponse;
import dev.memvault.proto.sync.v1.ListGrantAccessRequest;
import dev.memvault.proto.sync.v1.ListGrantAccessResponse;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.proto.sync.v1.OpenPairingRequest;
import dev.memvault.proto.sync.v1.OpenPairingResponse;
import dev.memvault.proto.sync.v1.PostKeyPackageRequest;
import dev.memvault.proto.sync.v1.PostKeyPackageResponse;
import dev.memvault.proto.sync.v1.PullRequest;
import dev.memvault.proto.sync.v1.PullResponse;
import dev.memvault.proto.sync.v1.PushRequest;
import dev.memvault.proto.sync.v1.PushResponse;
import dev.memvault.proto.sync.v1.SyncServiceGrpc;
import dev.memvault.proto.sync.v1.WatchRequest;
import dev.memvault.protocol.ChangeSignatureCheck;
import dev.memvault.protocol.DeviceChain;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.server.auth.AuthenticatedDevice;
import dev.memvault.server.auth.DeviceKeys;
import dev.memvault.server.devices.DeviceChains;
import dev.memvault.server.devices.PairingSlots;
import dev.memvault.server.errors.RejectedException;
import dev.memvault.server.errors.RpcHandlers;
import dev.memvault.server.limits.Limits;
import dev.memvault.server.limits.RateLimiter;
import dev.memvault.server.metrics.ServerMetrics;
import dev.memvault.server.store.SyncStore;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * SyncService: a vault's append-only log of signed, encrypted changes, for the devices of that
 * vault. Every call runs behind {@code AuthInterceptor} and acts on the caller's vault only; the
 * server checks ids, sizes, rates and each change's device signature, and never reads a payload.
 */
public final class SyncGrpcService extends SyncServiceGrpc.SyncServiceImplBase {
  private static final int ID_LENGTH = 16;

  private final SyncStore store;
  private final DeviceKeys keys;
  private final Limits limits;
  private final RateLimiter rates;
  private final WatchHub watches;
  private final ServerMetrics metrics;
  private final Clock clock;
  private final DeviceChains chains;
  private final PairingSlots pairings;

  /** Where PushStream stores its batches, one after another per stream. */
  private final Executor pushStorePool;

  /** How many pushed batches all PushStreams together hold, read and not yet stored. */
  private final PushBudget pushBudget;

  public SyncGrpcService(
      SyncStore store,
      DeviceKeys keys,
      DeviceChains chains,
      PairingSlots pairings,
      Limits limits,
      RateLimiter rates,
      WatchHub watches,
      ServerMetrics metrics,
      Clock clock,
      Executor pushStorePool,
      int pushBatchesHeld) {
    this.store = store;
    this.keys = keys;
    this.limits = limits;
    this.rates = rates;
    this.watches = watches;
    this.metrics = metrics;
    this.clock = clock;
    this.chains = chains;
    this.pairings = pairings;
    this.pushStorePool = pushStorePool;
    this.pushBudget = new PushBudget(pushBatchesHeld);
    metrics.pushBufferFrom(pushBudget::usedPlaces, pushBudget::waitingClaimants);
  }

  /**
   * Checks every change (ids, author, size, rate, signature) before storing any: a batch is stored
   * whole or refused whole.
   */
  @Override
  public void push(PushRequest request, StreamObserver<PushResponse> responses) {
    RpcHandlers.unary(
        responses,
        "Push",
        () -> {
          AuthenticatedDevice caller = AuthenticatedDevice.current();
          check(caller, request);
          return store(caller, request);
        });
  }

  /** Push for many batches, several on their way at once, stored in order ({@link PushStream}). */
  @Override
  public StreamObserver<PushRequest> pushStream(StreamObserver<PushResponse> responses) {
    AuthenticatedDevice caller = AuthenticatedDevice.current();
    return new PushStream(
        (ServerCallStreamObserver<PushResponse>) responses,
        new PushStream.Batches() {
          @Override
          public void check(PushRequest request) {
            SyncGrpcService.this.check(caller, request);
          }

          @Override
          public PushResponse store(PushRequest request) {
            return SyncGrpcService.this.store(caller, request);
          }
        },
        pushStorePool,
        pushBudget);
  }

  /** What a push needs checked before the store sees it: sizes, ids, author, rate, signatures. */
  private void check(AuthenticatedDevice caller, PushRequest request) {
    if (request == PushParsing.MALFORMED) {
      throw new RejectedException(ErrorReason.MALFORMED_MESSAGE);
    }
    limits.checkPush(request);
    for (Change change : request.getChangesList()) {
      if (change.getChangeId().size() != ID_LENGTH
          || change.getRecordId().size() != ID_LENGTH
          || change.getDeviceId().size() != ID_LENGTH) {
        throw new RejectedException(ErrorReason.MALFORMED_ID);
      }
      if (!change.getDeviceId().equals(caller.deviceId())) {
        throw new RejectedException(ErrorReason.WRONG_DEVICE);
      }
    }
    // Before the signatures: verifying is what a flood would cost.
    rates.acquire(caller.rateKey(), request.getChangesCount());
    if (request.getChangesCount() > 0) {
      verifySignatures(
          keys.verifier(caller.device().getSigningPublicKeyset()),
          caller.vaultId().toByteArray(),
          request.getChangesList());
    }
  }

  /** Stores a checked push and answers it. */
  private PushResponse store(AuthenticatedDevice caller, PushRequest request) {
    byte[] vaultId = caller.vaultId().toByteArray();
    List<LogEntry> entries =
        request.getChangesCount() == 0
            ? List.of()
            : store.append(vaultId, request.getChangesList(), clock.millis());
    Head head = store.head(vaultId);
    metrics.pushed(request.getChangesCount());
    PushResponse.Builder response = PushResponse.newBuilder().setHead(head);
    for (LogEntry entry : entries) {
      response.addEntries(request.getIdsOnly() ? idsOnly(entry) : entry);
    }
    return response.build();
  }

  /**
   * One Ed25519 check per pushed batch, whose tree is built once (ChangeSignatureCheck.verifyAll):
   * the check that a push costs most CPU when changes are signed one by one or paths walked one by
   * one.
   */
  private static void verifySignatures(
      PublicKeyVerify verifier, byte[] vaultId, List<Change> changes) {
    try {
      new ChangeSignatureCheck(vaultId).verifyAll(verifier, changes);
    } catch (GeneralSecurityException e) {
      throw new RejectedException(ErrorReason.BAD_CHANGE_SIGNATURE);
    }
  }

  /** An entry whose change carries its id alone (PushRequest.ids_only). */
  private static LogEntry idsOnly(LogEntry entry) {
    return entry.toBuilder()
        .setChange(Change.newBuilder().setChangeId(entry.getChange().getChangeId()))
        .build();
  }

  @Override
  public void pull(PullRequest request, StreamObserver<PullResponse> responses) {
    RpcHandlers.started(
        responses,
        "Pull",
        () -> {
          AuthenticatedDevice caller = AuthenticatedDevice.current();
          long afterSeq = seq(request.getAfterSeq());
          byte[] vaultId = caller.vaultId().toByteArray();
          Head head = store.head(vaultId);
          metrics.pulled();
          LogPages.start(
              store,
              limits,
              vaultId,
              afterSeq,
              head,
              limits.pageSize(request.getPageSize()),
              (ServerCallStreamObserver<PullResponse>) responses,
              LogPages.EVERY_ENTRY,
              served -> {});
        });
  }

  @Override
  public void watch(WatchRequest request, StreamObserver<LogEntry> responses) {
    RpcHandlers.started(
        responses,
        "Watch",
        () -> {
          AuthenticatedDevice caller = AuthenticatedDevice.current();
          watches.watch(
              caller.vaultId(),
              seq(request.getAfterSeq()),
              (ServerCallStreamObserver<LogEntry>) responses);
        });
  }

  @Override
  public void listDevices(
      ListDevicesRequest request, StreamObserver<ListDevicesResponse> responses) {
    RpcHandlers.unary(
        responses,
        "ListDevices",
        () -> {
          AuthenticatedDevice caller = AuthenticatedDevice.current();
          return ListDevicesResponse.newBuilder()
              .addAllDevices(store.devices(caller.vaultId().toByteArray()))
              .build();
        });
  }

  @Override
  public void getDeviceChain(
      GetDeviceChainRequest request, StreamObserver<DeviceChainResponse> responses) {
    RpcHandlers.unary(
        responses,
        "GetDeviceChain",
        () -> {
          AuthenticatedDevice caller = AuthenticatedDevice.current();
          return DeviceChainResponse.newBuilder()
              .addAllChain(store.deviceChain(caller.vaultId().toByteArray()))
              .build();
        });
  }

  /** A link must be signed by the calling device; the chain's rules decide the rest. */
  @Override
  public void appendDeviceLink(
      AppendDeviceLinkRequest request, StreamObserver<DeviceChainResponse> responses) {
    RpcHandlers.unary(
        responses,
        "AppendDeviceLink",
        () -> {
          AuthenticatedDevice caller = AuthenticatedDevice.current();
          if (!request.hasLink()) {
            throw new RejectedException(ErrorReason.MALFORMED_REQUEST);
          }
          DeviceChain chain =
              chains.append(caller.vaultId().toByteArray(), request.getLink(), caller.deviceId());
          return DeviceChainResponse.newBuilder().addAllChain(chain.links()).build();
        });
  }

  @Override
  public void openPairing(
      OpenPairingRequest request, StreamObserver<OpenPairingResponse> responses) {
    RpcHandlers.unary(
        responses,
        "OpenPairing",
        () -> {
          AuthenticatedDevice caller = AuthenticatedDevice.current();
          long expiresAt =
              pairings.open(caller.vaultId(), caller.deviceId(), request.getPairingId());
          return OpenPairingResponse.newBuilder().setExpiresAtMs(expiresAt).build();
        });
  }

  @Override
  public void awaitJoinRequest(
      AwaitJoinRequestRequest request, StreamObserver<AwaitJoinRequestResponse> responses) {
    RpcHandlers.unary(
        responses,
        "AwaitJoinRequest",
        () -> {
          AuthenticatedDevice caller = AuthenticatedDevice.current();
          return AwaitJoinRequestResponse.newBuilder()
              .setJoinRequest(pairings.joinRequest(caller.vaultId(), request.getPairingId()))
              .build();
        });
  }

  @Override
  public void postKeyPackage(
      PostKeyPackageRequest request, StreamObserver<PostKeyPackageResponse> responses) {
    RpcHandlers.unary(
        responses,
        "PostKeyPackage",
        () -> {
          AuthenticatedDevice caller = AuthenticatedDevice.current();
          pairings.postKeyPackage(
              caller.vaultId(), request.getPairingId(), request.getSealedKeyPackage());
          return PostKeyPackageResponse.getDefaultInstance();
        });
  }

  @Override
  public void listGrantAccess(
      ListGrantAccessRequest request, StreamObserver<ListGrantAccessResponse> responses) {
    RpcHandlers.unary(
        responses,
        "ListGrantAccess",
        () ->
            ListGrantAccessResponse.newBuilder()
                .addAllGrants(
                    store.grantReads(AuthenticatedDevice.current().vaultId().toByteArray()))
                .build());
  }

  /** A uint64 cursor; none past 2^63 - 1 can name an entry. */
  public static long seq(long uint64) {
    if (uint64 < 0) {
      throw new RejectedException(ErrorReason.MALFORMED_REQUEST);
    }
    return uint64;
  }
}
