package dev.memvault.sdk.sync;

import com.google.crypto.tink.PublicKeyVerify;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.memvault.core.VaultException;
import dev.memvault.core.grant.GrantedKeys;
import dev.memvault.core.grant.ProviderKey;
import dev.memvault.proto.sync.v1.AuthServiceGrpc;
import dev.memvault.proto.sync.v1.Change;
import dev.memvault.proto.sync.v1.DeviceLink;
import dev.memvault.proto.sync.v1.GetDeviceChainRequest;
import dev.memvault.proto.sync.v1.GrantServiceGrpc;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.proto.sync.v1.PullRequest;
import dev.memvault.proto.sync.v1.PullResponse;
import dev.memvault.proto.sync.v1.SignedDeviceLink;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.RecordEnvelope;
import dev.memvault.proto.v1.SyncPayload;
import dev.memvault.protocol.ChangeSignatureCheck;
import dev.memvault.protocol.CommittedPayloads;
import dev.memvault.protocol.DeviceChain;
import dev.memvault.protocol.DeviceSignatureVerifier;
import dev.memvault.protocol.ErrorReason;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An AI provider's side of a grant (docs/FORMAT.md, "Grants"): signs in to the sync server with the
 * provider's key under the grant's id, verifies the vault's device chain up to the link the {@link
 * GrantReference} pins, opens the granted scope keys sealed to the provider, and reads the memory
 * revisions the server serves under the grant.
 *
 * <p>Every revision must carry a valid signature of a device of that chain and open under the
 * grant's keys as the memory it is filed as; a forged or altered one fails the whole read. What the
 * server leaves out cannot be told: the provider sees a subset of the log, not a hash chain.
 */
public final class GrantReader implements AutoCloseable {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** What a read found: the current revision of each granted memory, and what did not open. */
  public record GrantedMemories(
      List<Memory> memories, int unreadableRevisions, Instant expiresAt) {}

  private final String serverUrl;
  private final ProviderKey key;
  private final GrantReference grant;
  private final ManagedChannel channel;

  private GrantReader(
      String serverUrl, ProviderKey key, GrantReference grant, ManagedChannel channel) {
    this.serverUrl = serverUrl;
    this.key = key;
    this.grant = grant;
    this.channel = channel;
  }

  public static GrantReader connect(String serverUrl, ProviderKey key, GrantReference grant) {
    return new GrantReader(serverUrl, key, grant, SyncClient.channel(serverUrl));
  }

  /**
   * Reads everything the grant grants, now.
   *
   * @throws VaultException if the grant ended, the key is not the grant's, or the server's answer
   *     fails a check (VaultException.Corrupt)
   */
  public GrantedMemories read() {
    try {
      GrantServiceGrpc.GrantServiceBlockingStub session = signedIn();
      DeviceChain chain = verifiedChain(session);
      DeviceChain.Grant granted = chain.grant(grant.grantIdBytes()).orElseThrow();
      GrantedKeys keys;
      try {
        keys = GrantedKeys.open(grant.vaultId(), grant.grantId(), granted.sealedScopes(), key);
      } catch (GeneralSecurityException e) {
        throw new VaultException(
            "this provider key does not open the grant's scope keys: the grant was made for"
                + " another key");
      }
      return read(session, chain, keys, granted);
    } catch (StatusRuntimeException e) {
      throw failure(e);
    }
  }

  private GrantServiceGrpc.GrantServiceBlockingStub signedIn() {
    AuthServiceGrpc.AuthServiceBlockingStub auth = AuthServiceGrpc.newBlockingStub(channel);
    String token =
        auth.authenticate(
                ServerCalls.signedProof(
                    ServerCalls.challenge(auth, grant.vaultId(), grant.grantId()),
                    grant.vaultId(),
                    grant.grantId(),
                    key::sign))
            .getSessionToken();
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + token);
    return GrantServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /** The chain, verified from its first link, holding the pinned grant link for this key. */
  private DeviceChain verifiedChain(GrantServiceGrpc.GrantServiceBlockingStub session) {
    List<SignedDeviceLink> links =
        session.getGrantChain(GetDeviceChainRequest.getDefaultInstance()).getChainList();
    DeviceChain chain;
    try {
      chain = DeviceChain.verify(grant.vaultId(), links, ClientSignatures.INSTANCE);
    } catch (DeviceChain.BrokenDeviceChainException e) {
      throw new VaultException.Corrupt(
          "the sync server's device chain of the vault fails its check ("
              + e.getMessage()
              + "); refusing to read");
    }
    if (!chain.contains(grant.linkSeq(), grant.linkHash())
        || !grantsHere(links.get((int) grant.linkSeq() - 1))) {
      throw new VaultException.Corrupt(
          "the sync server's device chain does not hold the grant you were given; refusing to"
              + " read");
    }
    DeviceChain.Grant granted = chain.grant(grant.grantIdBytes()).orElseThrow();
    byte[] signing = key.publicKey().signingPublicKeyset();
    if (!granted.created().getProviderSigningPublicKeyset().equals(ByteString.copyFrom(signing))) {
      throw new VaultException("this provider key is not the one the grant was made for");
    }
    return chain;
  }

  private boolean grantsHere(SignedDeviceLink signed) {
    try {
      DeviceLink link = DeviceLink.parseFrom(signed.getLink());
      return link.hasGrantCreated()
          && link.getGrantCreated().getGrantId().equals(grant.grantIdBytes());
    } catch (InvalidProtocolBufferException e) {
      return false;
    }
  }

  private GrantedMemories read(
      GrantServiceGrpc.GrantServiceBlockingStub session,
      DeviceChain chain,
      GrantedKeys keys,
      DeviceChain.Grant granted) {
    ChangeSignatureCheck signatures = new ChangeSignatureCheck(grant.vaultId());
    // One verifier per author: parsing a keyset per entry would cost more than checking it.
    Map<ByteString, PublicKeyVerify> verifiers = new HashMap<>();
    Map<String, Memory> current = new LinkedHashMap<>();
    int unreadable = 0;
    Iterator<PullResponse> pages =
        session.pullGranted(PullRequest.newBuilder().setAfterSeq(0).build());
    while (pages.hasNext()) {
      for (LogEntry entry : pages.next().getEntriesList()) {
        if (CommittedPayloads.isDropped(entry.getChange())) {
          // A superseded revision: a later entry of the same memory, served too, replaces it. A
          // provider cannot tell this from a server leaving a change out (threat model G-rows).
          continue;
        }
        RecordEnvelope envelope = verified(entry, chain, signatures, verifiers);
        Memory memory;
        try {
          memory = keys.open(envelope);
        } catch (GeneralSecurityException e) {
          unreadable++;
          continue;
        }
        Memory known = current.get(memory.getId());
        if (known == null || known.getRevision() < memory.getRevision()) {
          current.put(memory.getId(), memory);
        }
      }
    }
    List<Memory> live = new ArrayList<>();
    for (Memory memory : current.values()) {
      if (!memory.getDeleted()) {
        live.add(memory);
      }
    }
    live.sort(Comparator.comparing(Memory::getId));
    return new GrantedMemories(
        live, unreadable, Instant.ofEpochMilli(granted.created().getExpiresAtMs()));
  }

  /**
   * The envelope an entry carries, once its change is shown to be signed by a device of the chain
   * that could write at that point, and filed under the record it names.
   */
  private static RecordEnvelope verified(
      LogEntry entry,
      DeviceChain chain,
      ChangeSignatureCheck signatures,
      Map<ByteString, PublicKeyVerify> verifiers) {
    Change change = entry.getChange();
    DeviceChain.Member author =
        chain
            .member(change.getDeviceId())
            .filter(member -> member.authoredAt(entry.getSeq()))
            .orElseThrow(() -> forged(entry));
    try {
      PublicKeyVerify verifier = verifiers.get(author.deviceId());
      if (verifier == null) {
        verifier = DeviceSignatureVerifier.of(author.signingPublicKeyset());
        verifiers.put(author.deviceId(), verifier);
      }
      signatures.verify(verifier, change);
      SyncPayload payload = SyncPayload.parseFrom(change.getPayload());
      RecordEnvelope envelope = payload.getRevision();
      if (!payload.hasRevision()
          || !envelope.getAuthorDeviceId().equals(change.getDeviceId())
          || !envelope.getRecordId().equals(change.getRecordId())) {
        throw forged(entry);
      }
      return envelope;
    } catch (GeneralSecurityException | InvalidProtocolBufferException e) {
      throw forged(entry);
    }
  }

  private static VaultException.Corrupt forged(LogEntry entry) {
    return new VaultException.Corrupt(
        "the sync server served a change (log entry "
            + entry.getSeq()
            + ") that no device of the vault signed as it is; refusing the read");
  }

  private VaultException failure(StatusRuntimeException e) {
    if (ServerCalls.refusedFor(e, ErrorReason.GRANT_ENDED)) {
      return new VaultException(
          "this grant was revoked or has expired; ask the person for a new one");
    }
    if (ServerCalls.refusedFor(e, ErrorReason.UNKNOWN_DEVICE)) {
      return new VaultException(
          "the sync server at " + serverUrl + " knows no such grant; check the server URL");
    }
    if (ServerCalls.refusedFor(e, ErrorReason.BAD_SIGNATURE)) {
      return new VaultException("this provider key is not the one the grant was made for");
    }
    return ServerCalls.failure(serverUrl, e, "nothing was read");
  }

  @Override
  public void close() {
    ServerCalls.close(channel);
  }

  @Override
  public String toString() {
    return "GrantReader[" + serverUrl + ", " + grant + "]";
  }
}
