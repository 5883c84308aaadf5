package dev.memvault.sdk.sync;

import static dev.memvault.sdk.sync.Linking.PASSPHRASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.memvault.core.VaultException;
import dev.memvault.core.grant.GrantedKeys;
import dev.memvault.core.grant.ProviderKey;
import dev.memvault.core.sync.DeviceLinks;
import dev.memvault.proto.sync.v1.AuthServiceGrpc;
import dev.memvault.proto.sync.v1.GrantCreated;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.proto.sync.v1.PullRequest;
import dev.memvault.proto.sync.v1.PushRequest;
import dev.memvault.proto.sync.v1.SyncServiceGrpc;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.SyncPayload;
import dev.memvault.protocol.DeviceChain;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.NewMemory;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grants to an AI provider, end to end (docs/FORMAT.md, "Grants"): a real vault on disk, the real
 * server over TCP on 127.0.0.1, the provider reading through {@link GrantReader} with its own key.
 */
class GrantsTest {
  private static final Clock CLOCK = Clock.systemUTC();

  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();
  private RealServer server;
  private MemoryVault laptop;
  private ProviderKey acme;
  private String workId;
  private String healthId;

  @BeforeEach
  void laptopWithTwoScopes() throws Exception {
    server = track(new RealServer(Files.createDirectories(dir.resolve("server-data"))));
    laptop = track(MemoryVault.create(dir.resolve("laptop"), PASSPHRASE).vault());
    workId = laptop.add(NewMemory.of("work", Kind.PREFERENCE, "prefers tabs in Go")).getId();
    healthId = laptop.add(NewMemory.of("health", Kind.FACT, "allergic to peanuts")).getId();
    acme = ProviderKey.generate();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private <T extends AutoCloseable> T track(T closeable) {
    open.add(closeable);
    return closeable;
  }

  private VaultGrants grants(Clock clock) {
    return new VaultGrants(track(SyncClient.connect(laptop, server.url())), clock);
  }

  private VaultGrants.Created grantWork(Clock clock, Instant expiresAt) {
    return grants(clock).create("acme", acme.publicKey(), List.of("work"), expiresAt);
  }

  private GrantReader.GrantedMemories read(ProviderKey key, GrantReference grant) {
    try (GrantReader reader = GrantReader.connect(server.url(), key, grant)) {
      return reader.read();
    }
  }

  private static List<String> texts(GrantReader.GrantedMemories read) {
    return read.memories().stream().map(Memory::getText).toList();
  }

  @Test
  void grant_oneScope_providerReadsThatScopeAndNoIdOfAnother() {
    VaultGrants.Created created = grantWork(CLOCK, CLOCK.instant().plus(Duration.ofDays(30)));

    GrantReader.GrantedMemories read = read(acme, created.reference());

    assertEquals(List.of("prefers tabs in Go"), texts(read));
    assertEquals(workId, read.memories().get(0).getId());
    assertTrue(read.memories().stream().noneMatch(m -> m.getId().equals(healthId)));
    assertEquals(0, read.unreadableRevisions());
    assertEquals(List.of("work"), created.grant().scopes());
    assertEquals(VaultGrants.State.ACTIVE, created.grant().state());
  }

  @Test
  void grant_scopeKeyRotatedAfterGranting_providerReadsWhatIsWrittenAfter() {
    VaultGrants.Created created = grantWork(CLOCK, CLOCK.instant().plus(Duration.ofDays(30)));
    laptop.rotateScopeKey("work");
    laptop.add(NewMemory.of("work", Kind.NOTE, "standup moved to ten"));
    try (SyncClient client = SyncClient.connect(laptop, server.url())) {
      client.sync();
    }

    GrantReader.GrantedMemories read = read(acme, created.reference());

    assertEquals(List.of("prefers tabs in Go", "standup moved to ten"), texts(read));
    assertEquals(0, read.unreadableRevisions());
  }

  @Test
  void grants_afterARead_showTheServersAccountOfIt() {
    VaultGrants.Created created = grantWork(CLOCK, CLOCK.instant().plus(Duration.ofDays(1)));
    read(acme, created.reference());

    VaultGrants.GrantInfo listed = grants(CLOCK).list().get(0);

    assertEquals("acme", listed.name());
    assertEquals(1, listed.reads());
    assertEquals(1, listed.recordsServed());
    assertTrue(listed.lastRead().isPresent());
    assertEquals(acme.publicKey().fingerprint(), listed.providerFingerprint());
  }

  @Test
  void revoke_providerRefusedAtOnceAndLaterMemoriesUnreadableEvenFromRawStorage() throws Exception {
    VaultGrants.Created created = grantWork(CLOCK, CLOCK.instant().plus(Duration.ofDays(30)));
    read(acme, created.reference());

    VaultGrants.GrantInfo revoked = grants(CLOCK).revoke("acme");
    byte[] vaultId = created.reference().vaultId();
    Set<ByteString> recordsBefore = revisionRecordIds(server.storedLog(vaultId));
    laptop.add(NewMemory.of("work", Kind.NOTE, "new codename zanzibar"));
    try (SyncClient client = SyncClient.connect(laptop, server.url())) {
      client.sync();
    }
    // The record id the server files it under is opaque; it is the one record that is new.
    Set<ByteString> recordsAfter = revisionRecordIds(server.storedLog(vaultId));
    recordsAfter.removeAll(recordsBefore);
    assertEquals(1, recordsAfter.size());
    ByteString later = recordsAfter.iterator().next();

    assertEquals(VaultGrants.State.REVOKED, revoked.state());
    VaultException refused =
        assertThrows(VaultException.class, () -> read(acme, created.reference()));
    assertEquals(
        "this grant was revoked or has expired; ask the person for a new one",
        refused.getMessage());
    // A server that hands the provider every stored byte gives it nothing written after.
    GrantCreated grant = grantLink(created.reference());
    GrantedKeys keys = GrantedKeys.open(vaultId, grant, acme);
    int opened = 0;
    int sealedAfter = 0;
    for (LogEntry entry : server.storedLog(vaultId)) {
      SyncPayload payload = SyncPayload.parseFrom(entry.getChange().getPayload());
      if (!payload.hasRevision()) {
        continue;
      }
      ByteString id = payload.getRevision().getRecordId();
      try {
        keys.open(payload.getRevision());
        opened++;
        assertFalse(id.equals(later), "the provider opened a memory written after revocation");
      } catch (GeneralSecurityException e) {
        if (id.equals(later)) {
          sealedAfter++;
        }
      }
    }
    assertEquals(1, opened); // the work memory it read before
    assertEquals(1, sealedAfter);
  }

  @Test
  void read_serverAltersARevision_refusedAsUnsigned() {
    VaultGrants.Created created = grantWork(CLOCK, CLOCK.instant().plus(Duration.ofDays(1)));
    server.restartTampering(RealServer.alteringGrantedRevisions());

    VaultException refused =
        assertThrows(VaultException.Corrupt.class, () -> read(acme, created.reference()));

    assertTrue(
        refused.getMessage().contains("that no device of the vault signed"), refused.getMessage());
  }

  @Test
  void read_expiredByTheServersClock_refusedAsEnded() {
    // The device's clock is two hours behind the server's: the grant looks valid to it only.
    Clock behind = Clock.offset(CLOCK, Duration.ofHours(-2));
    VaultGrants.Created created = grantWork(behind, CLOCK.instant().minus(Duration.ofHours(1)));

    VaultException refused =
        assertThrows(VaultException.class, () -> read(acme, created.reference()));

    assertTrue(refused.getMessage().contains("revoked or has expired"), refused.getMessage());
    assertEquals(VaultGrants.State.EXPIRED, grants(CLOCK).list().get(0).state());
  }

  @Test
  void read_anotherProvidersKey_refusedWithoutReading() {
    VaultGrants.Created created = grantWork(CLOCK, CLOCK.instant().plus(Duration.ofDays(1)));

    VaultException refused =
        assertThrows(VaultException.class, () -> read(ProviderKey.generate(), created.reference()));

    assertEquals("this provider key is not the one the grant was made for", refused.getMessage());
    assertEquals(0, grants(CLOCK).list().get(0).reads());
  }

  @Test
  void grantSession_pullingOrPushingOnSyncService_permissionDenied() {
    VaultGrants.Created created = grantWork(CLOCK, CLOCK.instant().plus(Duration.ofDays(1)));
    GrantReference grant = created.reference();
    ManagedChannel channel = SyncClient.channel(server.url());
    try {
      AuthServiceGrpc.AuthServiceBlockingStub auth = AuthServiceGrpc.newBlockingStub(channel);
      String token =
          auth.authenticate(
                  ServerCalls.signedProof(
                      ServerCalls.challenge(auth, grant.vaultId(), grant.grantId()),
                      grant.vaultId(),
                      grant.grantId(),
                      acme::sign))
              .getSessionToken();
      Metadata headers = new Metadata();
      headers.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
      SyncServiceGrpc.SyncServiceBlockingStub sync =
          SyncServiceGrpc.newBlockingStub(channel)
              .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));

      StatusRuntimeException pull =
          assertThrows(
              StatusRuntimeException.class,
              () -> sync.pull(PullRequest.getDefaultInstance()).hasNext());

      StatusRuntimeException push =
          assertThrows(
              StatusRuntimeException.class, () -> sync.push(PushRequest.getDefaultInstance()));

      assertEquals(Status.Code.PERMISSION_DENIED, pull.getStatus().getCode());
      assertTrue(ServerCalls.refusedFor(pull, ErrorReason.NOT_A_DEVICE));
      assertEquals(Status.Code.PERMISSION_DENIED, push.getStatus().getCode());
      assertTrue(ServerCalls.refusedFor(push, ErrorReason.NOT_A_DEVICE));
    } finally {
      ServerCalls.close(channel);
    }
  }

  @Test
  void grantOfNoScopes_servesNothing() {
    try (SyncClient client = SyncClient.connect(laptop, server.url())) {
      client.sync();
      DeviceChain chain = client.verifiedChain(client.session());
      GrantCreated none =
          laptop
              .replica()
              .newGrant(
                  "nothing",
                  acme.publicKey(),
                  List.of(),
                  CLOCK.instant().plus(Duration.ofDays(1)).toEpochMilli());
      var link =
          DeviceLinks.createsGrant(
              chain,
              laptop.replica().deviceIdBytes(),
              laptop.replica().deviceSigningKey(),
              none,
              CLOCK.millis());
      DeviceChain after = client.append(client.session(), link);
      GrantReference reference =
          new GrantReference(
              laptop.replica().vaultIdBytes(),
              none.getGrantId().toByteArray(),
              after.headSeq(),
              DeviceChain.linkHash(link));

      assertEquals(List.of(), read(acme, reference).memories());
    }
  }

  @Test
  void grants_surviveAServerRestart() {
    VaultGrants.Created created = grantWork(CLOCK, CLOCK.instant().plus(Duration.ofDays(1)));
    read(acme, created.reference());

    server.stop();
    server.start();

    assertEquals(List.of("prefers tabs in Go"), texts(read(acme, created.reference())));
    assertEquals(2, grants(CLOCK).list().get(0).reads());
  }

  private GrantCreated grantLink(GrantReference reference) {
    try (SyncClient client = SyncClient.connect(laptop, server.url())) {
      client.sync();
      return client
          .verifiedChain(client.session())
          .grant(ByteString.copyFrom(reference.grantId()))
          .orElseThrow()
          .created();
    }
  }

  private static Set<ByteString> revisionRecordIds(List<LogEntry> log) throws Exception {
    Set<ByteString> ids = new HashSet<>();
    for (LogEntry entry : log) {
      SyncPayload payload = SyncPayload.parseFrom(entry.getChange().getPayload());
      if (payload.hasRevision()) {
        ids.add(payload.getRevision().getRecordId());
      }
    }
    return ids;
  }
}
