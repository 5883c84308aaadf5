package dev.memvault.server.grants;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.memvault.proto.sync.v1.DeviceChainResponse;
import dev.memvault.proto.sync.v1.GetDeviceChainRequest;
import dev.memvault.proto.sync.v1.GrantServiceGrpc;
import dev.memvault.proto.sync.v1.Head;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.proto.sync.v1.PullRequest;
import dev.memvault.proto.sync.v1.PullResponse;
import dev.memvault.proto.v1.SyncPayload;
import dev.memvault.server.auth.AuthenticatedGrant;
import dev.memvault.server.errors.RpcHandlers;
import dev.memvault.server.limits.Limits;
import dev.memvault.server.store.SyncStore;
import dev.memvault.server.sync.LogPages;
import dev.memvault.server.sync.SyncGrpcService;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.Set;
import java.util.function.Predicate;

/**
 * GrantService: what an AI provider reads under a grant, behind {@code GrantAuthInterceptor}. The
 * server serves only the log entries that carry a memory revision of a granted scope, which it
 * tells by the envelope's clear scope id without opening anything; it never serves scope keys,
 * checkpoints or other scopes' revisions, and records each read for the vault's devices.
 */
public final class GrantGrpcService extends GrantServiceGrpc.GrantServiceImplBase {
  private final SyncStore store;
  private final Limits limits;
  private final Clock clock;

  public GrantGrpcService(SyncStore store, Limits limits, Clock clock) {
    this.store = store;
    this.limits = limits;
    this.clock = clock;
  }

  @Override
  public void getGrantChain(
      GetDeviceChainRequest request, StreamObserver<DeviceChainResponse> responses) {
    RpcHandlers.unary(
        responses,
        "GetGrantChain",
        () ->
            DeviceChainResponse.newBuilder()
                .addAllChain(
                    store.deviceChain(AuthenticatedGrant.current().vaultId().toByteArray()))
                .build());
  }

  @Override
  public void pullGranted(PullRequest request, StreamObserver<PullResponse> responses) {
    RpcHandlers.started(
        responses,
        "PullGranted",
        () -> {
          AuthenticatedGrant grant = AuthenticatedGrant.current();
          byte[] vaultId = grant.vaultId().toByteArray();
          byte[] grantId = grant.grantId().toByteArray();
          long afterSeq = SyncGrpcService.seq(request.getAfterSeq());
          Head head = store.head(vaultId);
          LogPages.start(
              store,
              limits,
              vaultId,
              afterSeq,
              head,
              limits.pageSize(request.getPageSize()),
              (ServerCallStreamObserver<PullResponse>) responses,
              revisionIn(grant.scopeIds()),
              served -> store.recordGrantRead(vaultId, grantId, clock.millis(), served));
        });
  }

  /** Entries carrying a memory revision of one of {@code scopeIds}; none when there are none. */
  static Predicate<LogEntry> revisionIn(Set<ByteString> scopeIds) {
    return entry -> {
      if (scopeIds.isEmpty()) {
        return false;
      }
      try {
        SyncPayload payload = SyncPayload.parseFrom(entry.getChange().getPayload());
        return payload.hasRevision() && scopeIds.contains(payload.getRevision().getScopeId());
      } catch (InvalidProtocolBufferException e) {
        return false;
      }
    };
  }
}
