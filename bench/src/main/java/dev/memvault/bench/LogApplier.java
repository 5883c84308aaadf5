package dev.memvault.bench;

import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.signature.SignatureConfig;
import com.google.protobuf.ByteString;
import dev.memvault.core.sync.ApplyReport;
import dev.memvault.core.sync.RemoteChange;
import dev.memvault.core.sync.SyncCursor;
import dev.memvault.core.vault.Vault;
import dev.memvault.proto.sync.LogChain;
import dev.memvault.proto.sync.SigningInputs;
import dev.memvault.proto.sync.v1.Change;
import dev.memvault.proto.sync.v1.Device;
import dev.memvault.proto.sync.v1.Head;
import dev.memvault.proto.sync.v1.ListDevicesRequest;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.proto.sync.v1.PullRequest;
import dev.memvault.proto.sync.v1.PullResponse;
import dev.memvault.proto.sync.v1.SyncServiceGrpc;
import dev.memvault.sdk.sync.SyncClient;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Pulls a vault's whole log into another vault directory of the same vault, with the checks of
 * {@code SyncClient.pull}: every page must extend the verified chain, every change must carry a
 * valid signature of a device the server lists, then {@link Vault#applyRemote} decrypts, stores
 * and indexes the page in one transaction. A stand-in for the first sync of a new device until
 * client-sdk can join a device to a vault; then SyncClient itself should replace this class.
 */
final class LogApplier {
  static {
    try {
      SignatureConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** What one pull applied. */
  record Applied(long entries, long revisions, long scopes, long seq) {}

  private LogApplier() {}

  static Applied pullAll(SyncServiceGrpc.SyncServiceBlockingStub sync, Vault into, String serverUrl)
      throws GeneralSecurityException {
    byte[] vaultId = into.vaultIdBytes();
    Map<String, PublicKeyVerify> verifiers = new HashMap<>();
    for (Device device :
        sync.listDevices(ListDevicesRequest.getDefaultInstance()).getDevicesList()) {
      verifiers.put(
          HexFormat.of().formatHex(device.getDeviceId().toByteArray()),
          TinkProtoKeysetFormat.parseKeysetWithoutSecret(
                  device.getSigningPublicKeyset().toByteArray(), RegistryConfiguration.get())
              .getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class));
    }
    SyncCursor cursor = SyncCursor.start(serverUrl);
    long entries = 0;
    long revisions = 0;
    long scopes = 0;
    Iterator<PullResponse> pages =
        sync.withDeadlineAfter(30, TimeUnit.MINUTES)
            .pull(
                PullRequest.newBuilder()
                    .setAfterSeq(cursor.seq())
                    .setPageSize(SyncClient.PULL_PAGE)
                    .build());
    while (pages.hasNext()) {
      PullResponse page = pages.next();
      if (page.getEntriesCount() == 0) {
        continue;
      }
      Head trusted =
          Head.newBuilder()
              .setSeq(cursor.seq())
              .setEntryHash(ByteString.copyFrom(cursor.headHash()))
              .build();
      LogChain.verifyExtends(trusted, page.getEntriesList(), vaultId);
      List<RemoteChange> changes = new ArrayList<>(page.getEntriesCount());
      for (LogEntry entry : page.getEntriesList()) {
        Change change = entry.getChange();
        PublicKeyVerify verifier =
            verifiers.get(HexFormat.of().formatHex(change.getDeviceId().toByteArray()));
        if (verifier == null) {
          throw new GeneralSecurityException("an entry by a device the server does not list");
        }
        verifier.verify(change.getSignature().toByteArray(), SigningInputs.change(vaultId, change));
        changes.add(
            new RemoteChange(
                change.getChangeId().toByteArray(),
                change.getDeviceId().toByteArray(),
                change.getRecordId().toByteArray(),
                change.getPayload().toByteArray()));
      }
      LogEntry last = page.getEntries(page.getEntriesCount() - 1);
      SyncCursor advanced = cursor.withHead(last.getSeq(), last.getEntryHash().toByteArray());
      ApplyReport applied = into.applyRemote(changes, advanced);
      cursor = advanced;
      entries += changes.size();
      revisions += applied.revisions();
      scopes += applied.scopes();
    }
    return new Applied(entries, revisions, scopes, cursor.seq());
  }
}
