package dev.memvault.protocol;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.memvault.proto.sync.v1.DeviceAdded;
import dev.memvault.proto.sync.v1.DeviceLink;
import dev.memvault.proto.sync.v1.DeviceRevoked;
import dev.memvault.proto.sync.v1.EpochStarted;
import dev.memvault.proto.sync.v1.GrantCreated;
import dev.memvault.proto.sync.v1.GrantKeysUpdated;
import dev.memvault.proto.sync.v1.GrantedScope;
import dev.memvault.proto.sync.v1.RecoveryReplaced;
import dev.memvault.proto.sync.v1.SealedEpochKey;
import dev.memvault.proto.sync.v1.SignedDeviceLink;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A vault's verified device chain (proto/README.md, "Device chain"): which devices belong to the
 * vault and which were revoked, as a chain of signed links that only holders of a device key or of
 * the recovery key can extend. The server and every client check links with these same rules, so a
 * server, which holds no such key, cannot add a device, and a client notices a server that drops,
 * reorders or rewrites links.
 *
 * <p>Immutable: {@link #extendedBy} returns a new chain.
 */
public final class DeviceChain {
  /** Label of the signature input over a link. */
  public static final String LINK_LABEL = "memvault.sync.v1.device-link";

  /** Label of a link's hash, which the next link names as its prev_hash. */
  public static final String LINK_HASH_LABEL = "memvault.sync.v1.device-link-hash";

  /** Links a chain may hold: devices come and go rarely; this bounds what a client downloads. */
  public static final int MAX_LINKS = 1_000;

  /** Raw Ed25519 public keys (the recovery key's) are 32 bytes. */
  public static final int RECOVERY_PUBLIC_KEY_LENGTH = 32;

  /** Bound on a public keyset a link carries (encryption keys; signing keys are checked apart). */
  public static final int MAX_PUBLIC_KEYSET_BYTES = 1_024;

  private static final int ID_LENGTH = 16;

  /** How the caller verifies signatures (server and client each bring their Tink setup). */
  public interface Signatures {
    /** Whether {@code signature} over {@code data} verifies under a device's public keyset. */
    boolean verifiesDevice(ByteString signingPublicKeyset, byte[] signature, byte[] data);

    /** Whether {@code signature} over {@code data} verifies under a raw Ed25519 public key. */
    boolean verifiesRecovery(byte[] recoveryPublicKey, byte[] signature, byte[] data);
  }

  /**
   * A device as the chain describes it.
   *
   * @param addedBy the device that signed its addition; empty if the recovery key did
   * @param encryptionPublicKeyset the HPKE public keyset epoch keys are sealed to; empty for a
   *     device added before key epochs that has not announced one yet
   * @param revokedAfterLogSeq empty while active; once revoked, the last log seq whose changes by
   *     this device count
   * @param revokedAfterLogHash the entry hash at that seq as the revoking device verified it; empty
   *     while active and for revocations written before anchored cut-offs
   */
  public record Member(
      ByteString deviceId,
      ByteString signingPublicKeyset,
      ByteString encryptionPublicKeyset,
      long addedAtMillis,
      ByteString addedBy,
      Optional<Long> revokedAfterLogSeq,
      ByteString revokedAfterLogHash) {
    public boolean active() {
      return revokedAfterLogSeq.isEmpty();
    }

    /** Whether a change this device wrote at log position {@code logSeq} counts. */
    public boolean authoredAt(long logSeq) {
      return revokedAfterLogSeq.isEmpty()
          || Long.compareUnsigned(logSeq, revokedAfterLogSeq.get()) <= 0;
    }

    Member revoked(long afterLogSeq, ByteString afterLogHash) {
      return new Member(
          deviceId,
          signingPublicKeyset,
          encryptionPublicKeyset,
          addedAtMillis,
          addedBy,
          Optional.of(afterLogSeq),
          afterLogHash);
    }

    Member withEncryptionKey(ByteString keyset) {
      return new Member(
          deviceId,
          signingPublicKeyset,
          keyset,
          addedAtMillis,
          addedBy,
          revokedAfterLogSeq,
          revokedAfterLogHash);
    }
  }

  /**
   * A grant as the chain describes it.
   *
   * @param created the link that made it, as signed
   * @param createdBy the device that signed it
   * @param revoked whether a later link revoked it
   */
  public record Grant(
      GrantCreated created,
      ByteString createdBy,
      long createdAtMillis,
      boolean revoked,
      Map<ByteString, GrantedScope> currentScopes) {
    public ByteString grantId() {
      return created.getGrantId();
    }

    /** The scope ids it grants. */
    public Set<ByteString> scopeIds() {
      return currentScopes.keySet();
    }

    /** Per granted scope, the keyset sealed to the provider last (at creation or an update). */
    public List<GrantedScope> sealedScopes() {
      return List.copyOf(currentScopes.values());
    }

    /** Whether the grant is in force at {@code nowMillis}: not revoked, not expired. */
    public boolean inForceAt(long nowMillis) {
      return !revoked && nowMillis < created.getExpiresAtMs();
    }

    Grant revokedNow() {
      return new Grant(created, createdBy, createdAtMillis, true, currentScopes);
    }

    Grant resealed(List<GrantedScope> scopes) {
      Map<ByteString, GrantedScope> next = new LinkedHashMap<>(currentScopes);
      scopes.forEach(scope -> next.put(scope.getScopeId(), scope));
      return new Grant(
          created, createdBy, createdAtMillis, revoked, Collections.unmodifiableMap(next));
    }

    static Grant of(GrantCreated created, ByteString createdBy, long createdAtMillis) {
      Map<ByteString, GrantedScope> scopes = new LinkedHashMap<>();
      created.getScopesList().forEach(scope -> scopes.put(scope.getScopeId(), scope));
      return new Grant(
          created, createdBy, createdAtMillis, false, Collections.unmodifiableMap(scopes));
    }
  }

  private final ByteString vaultId;
  private final List<SignedDeviceLink> links;
  private final Map<ByteString, Grant> grants;
  private final Map<ByteString, Member> members;
  private final byte[] recoveryPublicKey;
  private final ByteString recoveryEncryptionKeyset;
  private final List<EpochStarted> epochs;
  private final long lastRevocationSeq;
  private final long lastEpochSeq;
  private final RecoveryReplaced recoveryReplacement;
  private final byte[] headHash;
  private final long logStartSeq;

  private DeviceChain(
      ByteString vaultId,
      List<SignedDeviceLink> links,
      Map<ByteString, Member> members,
      byte[] recoveryPublicKey,
      ByteString recoveryEncryptionKeyset,
      List<EpochStarted> epochs,
      long lastRevocationSeq,
      long lastEpochSeq,
      RecoveryReplaced recoveryReplacement,
      byte[] headHash,
      Map<ByteString, Grant> grants,
      long logStartSeq) {
    this.vaultId = vaultId;
    this.logStartSeq = logStartSeq;
    this.links = links;
    this.grants = grants;
    this.members = members;
    this.recoveryPublicKey = recoveryPublicKey;
    this.recoveryEncryptionKeyset = recoveryEncryptionKeyset;
    this.epochs = epochs;
    this.lastRevocationSeq = lastRevocationSeq;
    this.lastEpochSeq = lastEpochSeq;
    this.recoveryReplacement = recoveryReplacement;
    this.headHash = headHash;
  }

  /** The chain of a vault before its first link. */
  public static DeviceChain empty(byte[] vaultId) {
    return new DeviceChain(
        ByteString.copyFrom(vaultId),
        List.of(),
        Map.of(),
        new byte[0],
        ByteString.EMPTY,
        List.of(),
        0,
        0,
        null,
        LogChain.genesisHash(),
        Map.of(),
        0);
  }

  /**
   * Verifies a whole chain from its first link.
   *
   * @throws BrokenDeviceChainException naming the first link that breaks a rule
   */
  public static DeviceChain verify(
      byte[] vaultId, List<SignedDeviceLink> links, Signatures signatures)
      throws BrokenDeviceChainException {
    DeviceChain chain = empty(vaultId);
    for (SignedDeviceLink link : links) {
      chain = chain.extendedBy(link, signatures);
    }
    return chain;
  }

  /** The bytes a link's signer signs: {@code ("memvault.sync.v1.device-link", link)}. */
  public static byte[] signingInput(ByteString link) {
    return CanonicalEncoding.encode(LINK_LABEL, link.toByteArray());
  }

  /**
   * SHA-256 over {@code ("memvault.sync.v1.device-link-hash", link, signature,
   * recovery_signature)}.
   */
  public static byte[] linkHash(SignedDeviceLink signed) {
    byte[] encoded =
        CanonicalEncoding.encode(
            LINK_HASH_LABEL,
            signed.getLink().toByteArray(),
            signed.getSignature().toByteArray(),
            signed.getRecoverySignature().toByteArray());
    try {
      return MessageDigest.getInstance("SHA-256").digest(encoded);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every Java platform has SHA-256", e);
    }
  }

  /**
   * This chain with one more link, if the link follows every rule: it names the next seq, this
   * chain's head hash and vault; it adds a device never seen before or revokes an active one; and
   * it is signed by an active device (or, when it names no signer, with the recovery key). The
   * first link is the first device adding itself, signed by itself, and may name the vault's
   * recovery public key with the recovery key's signature.
   *
   * @throws BrokenDeviceChainException if it does not; this chain is unchanged
   */
  public DeviceChain extendedBy(SignedDeviceLink signed, Signatures signatures)
      throws BrokenDeviceChainException {
    long seq = links.size() + 1L;
    if (seq > MAX_LINKS) {
      throw broken(seq, "the chain would exceed " + MAX_LINKS + " links");
    }
    DeviceLink link;
    try {
      link = DeviceLink.parseFrom(signed.getLink());
    } catch (InvalidProtocolBufferException e) {
      throw broken(seq, "is not a device link");
    }
    if (link.getSeq() != seq) {
      throw broken(
          seq,
          "names seq "
              + Long.toUnsignedString(link.getSeq())
              + ": links are missing,"
              + " repeated or reordered");
    }
    if (!link.getVaultId().equals(vaultId)) {
      throw broken(seq, "belongs to another vault");
    }
    if (!MessageDigest.isEqual(link.getPrevHash().toByteArray(), headHash)) {
      throw broken(seq, "does not follow the link before it: the chain was rewritten or forked");
    }
    byte[] input = signingInput(signed.getLink());
    boolean first = links.isEmpty();
    byte[] recoveryKey = recoveryPublicKey;
    if (first) {
      recoveryKey = checkFirst(link, signed, input, signatures);
    } else {
      if (!signed.getRecoverySignature().isEmpty()
          || link.getAdded().getRecoveryPublicKey().size() > 0) {
        throw broken(seq, "names a recovery key, which only the first link may");
      }
      checkSigner(link, signed, input, signatures, seq);
    }
    Map<ByteString, Member> next = new LinkedHashMap<>(members);
    ByteString recoveryEncryption = recoveryEncryptionKeyset;
    List<EpochStarted> nextEpochs = epochs;
    long revocationSeq = lastRevocationSeq;
    long epochSeq = lastEpochSeq;
    RecoveryReplaced lastReplacement = recoveryReplacement;
    Map<ByteString, Grant> nextGrants = grants;
    long logStart = logStartSeq;
    switch (link.getActionCase()) {
      case ADDED -> {
        DeviceAdded added = link.getAdded();
        if (added.getDeviceId().size() != ID_LENGTH || added.getSigningPublicKeyset().isEmpty()) {
          throw broken(seq, "adds a device without a 16-byte id and a public keyset");
        }
        if (members.containsKey(added.getDeviceId()) || grants.containsKey(added.getDeviceId())) {
          throw broken(seq, "adds a device that was added before");
        }
        if (added.getEncryptionPublicKeyset().size() > MAX_PUBLIC_KEYSET_BYTES
            || added.getRecoveryEncryptionPublicKeyset().size() > MAX_PUBLIC_KEYSET_BYTES) {
          throw broken(seq, "carries an encryption key larger than any HPKE public keyset");
        }
        if (first) {
          if (!added.getRecoveryEncryptionPublicKeyset().isEmpty() && recoveryKey.length == 0) {
            throw broken(seq, "names a recovery encryption key without a recovery key");
          }
          recoveryEncryption = added.getRecoveryEncryptionPublicKeyset();
        } else if (!added.getRecoveryEncryptionPublicKeyset().isEmpty()) {
          throw broken(seq, "names a recovery key, which only the first link may");
        }
        next.put(
            added.getDeviceId(),
            new Member(
                added.getDeviceId(),
                added.getSigningPublicKeyset(),
                added.getEncryptionPublicKeyset(),
                link.getCreatedAtMs(),
                link.getSignerDeviceId(),
                Optional.empty(),
                ByteString.EMPTY));
      }
      case REVOKED -> {
        DeviceRevoked revoked = link.getRevoked();
        Member member = members.get(revoked.getDeviceId());
        if (member == null || !member.active()) {
          throw broken(seq, "revokes a device that is not an active device of the vault");
        }
        if (!revoked.getAfterLogHash().isEmpty() && revoked.getAfterLogHash().size() != 32) {
          throw broken(seq, "names a log position without a 32-byte entry hash");
        }
        next.put(
            revoked.getDeviceId(),
            member.revoked(revoked.getAfterLogSeq(), revoked.getAfterLogHash()));
        revocationSeq = seq;
      }
      case KEY_ANNOUNCED -> {
        Member signer = members.get(link.getSignerDeviceId());
        ByteString keyset = link.getKeyAnnounced().getEncryptionPublicKeyset();
        if (signer == null) {
          throw broken(seq, "announces an encryption key without a device to announce it for");
        }
        if (keyset.isEmpty() || keyset.size() > MAX_PUBLIC_KEYSET_BYTES) {
          throw broken(seq, "announces no usable encryption key");
        }
        next.put(signer.deviceId(), signer.withEncryptionKey(keyset));
      }
      case RECOVERY_REPLACED -> {
        RecoveryReplaced replaced = link.getRecoveryReplaced();
        if (link.getSignerDeviceId().isEmpty()) {
          throw broken(seq, "replaces the recovery key without the signature of a device");
        }
        if (replaced.getRecoveryPublicKey().size() != RECOVERY_PUBLIC_KEY_LENGTH
            || replaced.getRecoveryEncryptionPublicKeyset().isEmpty()
            || replaced.getRecoveryEncryptionPublicKeyset().size() > MAX_PUBLIC_KEYSET_BYTES
            || replaced.getRootKeyByRecovery().isEmpty()) {
          throw broken(seq, "replaces the recovery key with keys memvault cannot use");
        }
        recoveryKey = replaced.getRecoveryPublicKey().toByteArray();
        recoveryEncryption = replaced.getRecoveryEncryptionPublicKeyset();
        lastReplacement = replaced;
      }
      case EPOCH_STARTED -> {
        EpochStarted epoch = link.getEpochStarted();
        checkEpoch(epoch, seq);
        nextEpochs = new ArrayList<>(epochs);
        nextEpochs.add(epoch);
        nextEpochs = Collections.unmodifiableList(nextEpochs);
        epochSeq = seq;
      }
      case GRANT_CREATED -> {
        GrantCreated created = link.getGrantCreated();
        checkGrant(created, link, seq);
        nextGrants = new LinkedHashMap<>(grants);
        nextGrants.put(
            created.getGrantId(),
            Grant.of(created, link.getSignerDeviceId(), link.getCreatedAtMs()));
        nextGrants = Collections.unmodifiableMap(nextGrants);
      }
      case GRANT_REVOKED -> {
        Grant grant = grants.get(link.getGrantRevoked().getGrantId());
        if (link.getSignerDeviceId().isEmpty()) {
          throw broken(seq, "revokes a grant without the signature of a device");
        }
        if (grant == null || grant.revoked()) {
          throw broken(seq, "revokes a grant that is not a grant of the vault in force");
        }
        nextGrants = new LinkedHashMap<>(grants);
        nextGrants.put(grant.grantId(), grant.revokedNow());
        nextGrants = Collections.unmodifiableMap(nextGrants);
      }
      case GRANT_KEYS_UPDATED -> {
        GrantKeysUpdated updated = link.getGrantKeysUpdated();
        Grant grant = grants.get(updated.getGrantId());
        if (link.getSignerDeviceId().isEmpty()) {
          throw broken(seq, "updates a grant's keys without the signature of a device");
        }
        if (grant == null || grant.revoked()) {
          throw broken(
              seq, "updates the keys of a grant that is not a grant of the vault in force");
        }
        Set<ByteString> seen = new HashSet<>();
        for (GrantedScope scope : updated.getScopesList()) {
          if (!grant.scopeIds().contains(scope.getScopeId())
              || scope.getSealedKeyset().isEmpty()
              || !seen.add(scope.getScopeId())) {
            throw broken(seq, "updates keys of a scope the grant does not grant, or one twice");
          }
        }
        nextGrants = new LinkedHashMap<>(grants);
        nextGrants.put(grant.grantId(), grant.resealed(updated.getScopesList()));
        nextGrants = Collections.unmodifiableMap(nextGrants);
      }
      case LOG_STARTED_OVER -> {
        if (link.getSignerDeviceId().isEmpty()) {
          throw broken(seq, "starts the log over without the signature of a device");
        }
        if (link.getLogStartedOver().getPreviousLogHash().size() != 32) {
          throw broken(seq, "starts the log over without the 32-byte hash of the log before");
        }
        // Cut-offs named positions of the log before; in the new log a revoked device's changes
        // count nowhere.
        for (Member member : members.values()) {
          if (!member.active()) {
            next.put(member.deviceId(), member.revoked(0, ByteString.EMPTY));
          }
        }
        logStart = seq;
      }
      default -> throw broken(seq, "neither adds nor revokes a device nor starts a key epoch");
    }
    List<SignedDeviceLink> longer = new ArrayList<>(links);
    longer.add(signed);
    return new DeviceChain(
        vaultId,
        Collections.unmodifiableList(longer),
        Collections.unmodifiableMap(next),
        recoveryKey,
        recoveryEncryption,
        nextEpochs,
        revocationSeq,
        epochSeq,
        lastReplacement,
        linkHash(signed),
        nextGrants,
        logStart);
  }

  /**
   * A grant names a new 16-byte id (no device's), the provider's two public keys, and distinct
   * 16-byte scope ids each with a sealed keyset; only a device signs one.
   */
  private void checkGrant(GrantCreated created, DeviceLink link, long seq)
      throws BrokenDeviceChainException {
    if (link.getSignerDeviceId().isEmpty()) {
      throw broken(seq, "grants access without the signature of a device");
    }
    ByteString id = created.getGrantId();
    if (id.size() != ID_LENGTH || members.containsKey(id) || grants.containsKey(id)) {
      throw broken(seq, "grants access under an id that is not new");
    }
    if (created.getProviderSigningPublicKeyset().isEmpty()
        || created.getProviderSigningPublicKeyset().size() > MAX_PUBLIC_KEYSET_BYTES
        || created.getProviderEncryptionPublicKeyset().isEmpty()
        || created.getProviderEncryptionPublicKeyset().size() > MAX_PUBLIC_KEYSET_BYTES) {
      throw broken(seq, "grants access to a provider without usable public keys");
    }
    Set<ByteString> scopes = new HashSet<>();
    for (GrantedScope scope : created.getScopesList()) {
      if (scope.getScopeId().size() != ID_LENGTH
          || scope.getSealedKeyset().isEmpty()
          || !scopes.add(scope.getScopeId())) {
        throw broken(seq, "grants a scope twice, or one without an id or a sealed keyset");
      }
    }
  }

  /**
   * An epoch follows the last one, and its key is sealed to exactly the active devices, each of
   * which has an encryption key: a revoked device is never given it, and no active one is left out.
   * Whether each sealed key opens only its recipient can tell.
   */
  private void checkEpoch(EpochStarted epoch, long seq) throws BrokenDeviceChainException {
    if (epoch.getEpoch() != currentEpoch() + 1) {
      throw broken(seq, "starts key epoch " + epoch.getEpoch() + " after " + currentEpoch());
    }
    if (epoch.getPreviousKey().isEmpty()) {
      throw broken(seq, "starts a key epoch without the previous epoch's key");
    }
    if (epoch.getSealedToRecovery().isEmpty() != recoveryEncryptionKeyset.isEmpty()) {
      throw broken(seq, "starts a key epoch that the vault's recovery key could not open");
    }
    Set<ByteString> sealedTo = new HashSet<>();
    for (SealedEpochKey sealed : epoch.getSealedKeysList()) {
      Member member = members.get(sealed.getDeviceId());
      if (member == null || !member.active() || !sealedTo.add(sealed.getDeviceId())) {
        throw broken(seq, "seals a key epoch to a device that is not an active device");
      }
      if (member.encryptionPublicKeyset().isEmpty() || sealed.getCiphertext().isEmpty()) {
        throw broken(seq, "seals a key epoch to a device without an encryption key");
      }
    }
    for (Member member : members.values()) {
      if (member.active() && !sealedTo.contains(member.deviceId())) {
        throw broken(seq, "starts a key epoch that leaves out an active device");
      }
    }
  }

  private static byte[] checkFirst(
      DeviceLink link, SignedDeviceLink signed, byte[] input, Signatures signatures)
      throws BrokenDeviceChainException {
    if (!link.hasAdded() || !link.getSignerDeviceId().equals(link.getAdded().getDeviceId())) {
      throw broken(1, "must be the first device adding itself");
    }
    if (!signatures.verifiesDevice(
        link.getAdded().getSigningPublicKeyset(), signed.getSignature().toByteArray(), input)) {
      throw broken(1, "is not signed by the device it adds");
    }
    byte[] recoveryKey = link.getAdded().getRecoveryPublicKey().toByteArray();
    if (recoveryKey.length == 0) {
      if (!signed.getRecoverySignature().isEmpty()) {
        throw broken(1, "carries a recovery signature but names no recovery key");
      }
      return recoveryKey;
    }
    if (recoveryKey.length != RECOVERY_PUBLIC_KEY_LENGTH
        || !signatures.verifiesRecovery(
            recoveryKey, signed.getRecoverySignature().toByteArray(), input)) {
      throw broken(1, "names a recovery key that did not sign it");
    }
    return recoveryKey;
  }

  private void checkSigner(
      DeviceLink link, SignedDeviceLink signed, byte[] input, Signatures signatures, long seq)
      throws BrokenDeviceChainException {
    byte[] signature = signed.getSignature().toByteArray();
    if (link.getSignerDeviceId().isEmpty()) {
      if (recoveryPublicKey.length == 0
          || !signatures.verifiesRecovery(recoveryPublicKey, signature, input)) {
        throw broken(seq, "is not signed with the vault's recovery key");
      }
      return;
    }
    Member signer = members.get(link.getSignerDeviceId());
    if (signer == null || !signer.active()) {
      throw broken(seq, "is signed by a device that is not an active device of the vault");
    }
    if (!signatures.verifiesDevice(signer.signingPublicKeyset(), signature, input)) {
      throw broken(seq, "does not carry a valid signature of the device it names");
    }
  }

  private static BrokenDeviceChainException broken(long seq, String what) {
    return new BrokenDeviceChainException("device chain link " + seq + " " + what);
  }

  public ByteString vaultId() {
    return vaultId;
  }

  /** The newest key epoch the chain started (0: the vault's original root key). */
  public int currentEpoch() {
    return epochs.isEmpty() ? 0 : epochs.get(epochs.size() - 1).getEpoch();
  }

  /** Every key epoch the chain started, oldest first. */
  public List<EpochStarted> epochs() {
    return epochs;
  }

  /**
   * Whether a device was revoked after the last key epoch started: until a new epoch starts, the
   * revoked device holds the key new scope keys would be sealed under.
   */
  public boolean epochOwed() {
    return lastRevocationSeq > lastEpochSeq;
  }

  /** The last replacement of the vault's recovery key, if it was ever replaced. */
  public Optional<RecoveryReplaced> recoveryReplacement() {
    return Optional.ofNullable(recoveryReplacement);
  }

  /** The HPKE public keyset derived from the recovery key, if the first link names one. */
  public Optional<ByteString> recoveryEncryptionKeyset() {
    return recoveryEncryptionKeyset.isEmpty()
        ? Optional.empty()
        : Optional.of(recoveryEncryptionKeyset);
  }

  /** The number of links, which is the seq of the last one (0 before the first). */
  /**
   * The seq of the last link that started the vault's log over ({@code LogStartedOver}), 0 if the
   * log never started over: the log served now began with that link.
   */
  public long logStartSeq() {
    return logStartSeq;
  }

  public long headSeq() {
    return links.size();
  }

  /** The last link's hash (32 zero bytes before the first link). */
  public byte[] headHash() {
    return headHash.clone();
  }

  public List<SignedDeviceLink> links() {
    return links;
  }

  /** Every device the chain ever added, in the order of their addition. */
  public List<Member> members() {
    return List.copyOf(members.values());
  }

  /** Every grant the chain made, revoked ones included, oldest first. */
  public List<Grant> grants() {
    return List.copyOf(grants.values());
  }

  public Optional<Grant> grant(ByteString grantId) {
    return Optional.ofNullable(grants.get(grantId));
  }

  /** The seq of the link that created {@code grantId}, or 0. */
  public long grantLinkSeq(ByteString grantId) {
    for (int i = 0; i < links.size(); i++) {
      try {
        DeviceLink link = DeviceLink.parseFrom(links.get(i).getLink());
        if (link.hasGrantCreated() && link.getGrantCreated().getGrantId().equals(grantId)) {
          return i + 1L;
        }
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("a verified chain holds only device links", e);
      }
    }
    return 0;
  }

  public Optional<Member> member(ByteString deviceId) {
    return Optional.ofNullable(members.get(deviceId));
  }

  /** The recovery public key the first link names, if any. */
  public Optional<byte[]> recoveryPublicKey() {
    return recoveryPublicKey.length == 0
        ? Optional.empty()
        : Optional.of(recoveryPublicKey.clone());
  }

  /**
   * Whether this chain's link {@code seq} has hash {@code hash}: that a head someone verified
   * before is part of this chain (a chain that lost or rewrote it was rolled back or forked).
   */
  public boolean contains(long seq, byte[] hash) {
    if (seq == 0) {
      return MessageDigest.isEqual(hash, LogChain.genesisHash());
    }
    if (seq < 0 || seq > links.size()) {
      return false;
    }
    return MessageDigest.isEqual(hash, linkHash(links.get((int) seq - 1)));
  }

  /** The chain breaks a rule: the server that sent it, or whoever wrote the link, is at fault. */
  public static final class BrokenDeviceChainException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    public BrokenDeviceChainException(String message) {
      super(message);
    }
  }
}
