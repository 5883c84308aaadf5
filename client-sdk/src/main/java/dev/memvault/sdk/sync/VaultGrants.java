package dev.memvault.sdk.sync;

import com.google.protobuf.ByteString;
import dev.memvault.core.VaultException;
import dev.memvault.core.grant.ProviderPublicKey;
import dev.memvault.core.sync.DeviceLinks;
import dev.memvault.core.sync.Replica;
import dev.memvault.proto.sync.v1.GrantAccess;
import dev.memvault.proto.sync.v1.GrantCreated;
import dev.memvault.proto.sync.v1.ListGrantAccessRequest;
import dev.memvault.proto.sync.v1.SignedDeviceLink;
import dev.memvault.proto.sync.v1.SyncServiceGrpc;
import dev.memvault.protocol.DeviceChain;
import io.grpc.StatusRuntimeException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The person's side of grants (docs/FORMAT.md, "Grants"): read-only access for one AI provider to
 * some scopes until an expiry, made, listed and ended by a device of the vault through the device
 * chain. Each operation syncs first, so it acts on the chain and keys as they stand.
 */
public final class VaultGrants {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /** A grant as the chain and the server's account of its reads describe it. */
  public record GrantInfo(
      String id,
      String name,
      List<String> scopes,
      Instant expiresAt,
      State state,
      String providerFingerprint,
      Optional<Instant> lastRead,
      long recordsServed,
      long reads) {}

  public enum State {
    ACTIVE,
    EXPIRED,
    REVOKED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A grant just made, and the reference its provider needs. */
  public record Created(GrantReference reference, GrantInfo grant) {}

  private final SyncClient client;
  private final Clock clock;

  public VaultGrants(SyncClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /**
   * Grants {@code provider} read access to {@code scopes} until {@code expiresAt}.
   *
   * @throws VaultException.InvalidInput for a bad name, no scope, an unknown scope, a past expiry,
   *     or a name an active grant has
   */
  public Created create(
      String name, ProviderPublicKey provider, List<String> scopes, Instant expiresAt) {
    if (!NAME.matcher(name).matches()) {
      throw new VaultException.InvalidInput(
          "'"
              + name
              + "' is not a grant name: 1 to 64 letters, digits, '.', '_' or '-', starting with a"
              + " letter or digit");
    }
    if (scopes.isEmpty()) {
      throw new VaultException.InvalidInput("name at least one scope to grant (--scope NAME)");
    }
    if (!expiresAt.isAfter(clock.instant())) {
      throw new VaultException.InvalidInput("the expiry is in the past; give a later one");
    }
    client.sync();
    try {
      SyncServiceGrpc.SyncServiceBlockingStub session = client.session();
      DeviceChain chain = client.verifiedChain(session);
      Replica vault = client.vault();
      for (GrantInfo existing : describe(chain, Map.of())) {
        if (existing.state() == State.ACTIVE && existing.name().equals(name)) {
          throw new VaultException.InvalidInput(
              "an active grant is already called '"
                  + name
                  + "'; revoke it first or choose another name");
        }
      }
      GrantCreated grant =
          vault.newGrant(
              name, provider, List.copyOf(new LinkedHashSet<>(scopes)), expiresAt.toEpochMilli());
      SignedDeviceLink link =
          DeviceLinks.createsGrant(
              chain, vault.deviceIdBytes(), vault.deviceSigningKey(), grant, clock.millis());
      DeviceChain after = client.append(session, link);
      GrantReference reference =
          new GrantReference(
              vault.vaultIdBytes(),
              grant.getGrantId().toByteArray(),
              after.headSeq(),
              DeviceChain.linkHash(link));
      GrantInfo info =
          describe(after, Map.of()).stream()
              .filter(g -> g.id().equals(reference.grantIdHex()))
              .findFirst()
              .orElseThrow();
      return new Created(reference, info);
    } catch (StatusRuntimeException e) {
      throw client.failure(e);
    }
  }

  /** Every grant the vault made, oldest first, with the server's account of its reads. */
  public List<GrantInfo> list() {
    client.sync();
    return listedAfterSync();
  }

  /** As {@link #list()}, on the session of the sync just made. */
  private List<GrantInfo> listedAfterSync() {
    try {
      SyncServiceGrpc.SyncServiceBlockingStub session = client.session();
      DeviceChain chain = client.verifiedChain(session);
      Map<ByteString, GrantAccess> reads = new HashMap<>();
      for (GrantAccess access :
          session.listGrantAccess(ListGrantAccessRequest.getDefaultInstance()).getGrantsList()) {
        reads.put(access.getGrantId(), access);
      }
      return describe(chain, reads);
    } catch (StatusRuntimeException e) {
      throw client.failure(e);
    }
  }

  /**
   * Ends the active grant called {@code nameOrId} (or with that id): the server refuses its
   * provider from the next call, and the granted scopes' keys rotate, so what is written after is
   * sealed under keys it never had. What it read before stays read.
   *
   * @throws VaultException.InvalidInput if no active grant has that name or id
   */
  public GrantInfo revoke(String nameOrId) {
    client.sync();
    try {
      SyncServiceGrpc.SyncServiceBlockingStub session = client.session();
      DeviceChain chain = client.verifiedChain(session);
      GrantInfo target =
          describe(chain, Map.of()).stream()
              .filter(g -> g.state() != State.REVOKED)
              .filter(g -> g.name().equals(nameOrId) || g.id().equalsIgnoreCase(nameOrId))
              .findFirst()
              .orElseThrow(
                  () ->
                      new VaultException.InvalidInput(
                          "no grant called '"
                              + nameOrId
                              + "' is in force; `memvault grants` lists them"));
      ByteString grantId = ByteString.copyFrom(HexFormat.of().parseHex(target.id()));
      Replica vault = client.vault();
      client.append(
          session,
          DeviceLinks.revokesGrant(
              chain, vault.deviceIdBytes(), vault.deviceSigningKey(), grantId, clock.millis()));
      vault.rotateScopeKeys(chain.grant(grantId).orElseThrow().created());
    } catch (StatusRuntimeException e) {
      throw client.failure(e);
    }
    client.sync();
    return listedAfterSync().stream()
        .filter(g -> g.id().equalsIgnoreCase(nameOrId) || g.name().equals(nameOrId))
        .filter(g -> g.state() == State.REVOKED)
        .reduce((first, second) -> second)
        .orElseThrow();
  }

  private List<GrantInfo> describe(DeviceChain chain, Map<ByteString, GrantAccess> reads) {
    Replica vault = client.vault();
    long now = clock.millis();
    List<GrantInfo> grants = new ArrayList<>();
    for (DeviceChain.Grant grant : chain.grants()) {
      GrantCreated created = grant.created();
      GrantAccess access = reads.getOrDefault(grant.grantId(), GrantAccess.getDefaultInstance());
      State state =
          grant.revoked() ? State.REVOKED : grant.inForceAt(now) ? State.ACTIVE : State.EXPIRED;
      grants.add(
          new GrantInfo(
              HexFormat.of().formatHex(grant.grantId().toByteArray()),
              vault.grantName(created).orElse("(unnamed)"),
              vault.scopeNames(created),
              Instant.ofEpochMilli(created.getExpiresAtMs()),
              state,
              ProviderPublicKey.fingerprint(
                  created.getProviderSigningPublicKeyset().toByteArray(),
                  created.getProviderEncryptionPublicKeyset().toByteArray()),
              access.getLastAccessMs() == 0
                  ? Optional.empty()
                  : Optional.of(Instant.ofEpochMilli(access.getLastAccessMs())),
              access.getRecordsServed(),
              access.getReads()));
    }
    return grants;
  }
}
