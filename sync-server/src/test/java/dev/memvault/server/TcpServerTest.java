package dev.memvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.memvault.proto.sync.v1.AuthServiceGrpc;
import dev.memvault.proto.sync.v1.PullRequest;
import dev.memvault.proto.sync.v1.PullResponse;
import dev.memvault.proto.sync.v1.PushRequest;
import dev.memvault.proto.sync.v1.PushResponse;
import dev.memvault.proto.sync.v1.SyncServiceGrpc;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.protocol.LogChain;
import dev.memvault.server.auth.AuthInterceptor;
import dev.memvault.server.limits.Limits;
import dev.memvault.server.store.EmbeddedSyncStore;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCredentials;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The server on Netty over real TCP on 127.0.0.1: plaintext, TLS, and the message size limit. */
class TcpServerTest {
  @RegisterExtension final ServerFixture fixture = new ServerFixture();

  private final TestDevice device = TestDevice.newVault();

  @Test
  void overTcp_registerPushPull_roundTrip() throws Exception {
    int port = start(InsecureServerCredentials.create(), Limits.DEFAULTS);
    ManagedChannel channel = channel(port, InsecureChannelCredentials.create());

    roundTrip(channel);
  }

  @Test
  void overTls_registerPushPull_roundTrip() throws Exception {
    Path directory = fixture.newDirectory();
    Path cert = directory.resolve("cert.pem");
    Path key = directory.resolve("key.pem");
    assumeTrue(selfSignedCertificate(cert, key), "openssl is needed to make a test certificate");
    int port = start(TlsServerCredentials.create(cert.toFile(), key.toFile()), Limits.DEFAULTS);

    ManagedChannel channel =
        channel(port, TlsChannelCredentials.newBuilder().trustManager(cert.toFile()).build());

    roundTrip(channel);
    ManagedChannel plaintext = channel(port, InsecureChannelCredentials.create());
    assertThrows(
        StatusRuntimeException.class,
        () -> device.challenge(AuthServiceGrpc.newBlockingStub(plaintext)));
  }

  @Test
  void overTcp_messageOverLimit_resourceExhaustedByTransport() throws Exception {
    int port =
        start(
            InsecureServerCredentials.create(),
            Limits.builder().maxMessageBytes(64 * 1024).build());
    ManagedChannel channel = channel(port, InsecureChannelCredentials.create());
    String token = device.register(AuthServiceGrpc.newBlockingStub(channel));
    SyncServiceGrpc.SyncServiceBlockingStub sync =
        ServerFixture.withToken(SyncServiceGrpc.newBlockingStub(channel), token);
    sync.push(PushRequest.newBuilder().addChanges(device.change(1, new byte[60 * 1024])).build());

    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                sync.push(
                    PushRequest.newBuilder()
                        .addChanges(device.change(2, new byte[40 * 1024]))
                        .addChanges(device.change(3, new byte[40 * 1024]))
                        .build()));

    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
    // The connection stays usable.
    assertEquals(
        1,
        sync.push(
                PushRequest.newBuilder().addChanges(device.change(1, new byte[60 * 1024])).build())
            .getHead()
            .getSeq());
  }

  /**
   * The push methods parse requests as they stream in (PushParsing): bytes that are not a push are
   * refused with a reason, nothing is stored, and the connection stays usable.
   */
  @Test
  void overTcp_pushBytesThatAreNoPush_refusedAndNothingStored() throws Exception {
    int port = start(InsecureServerCredentials.create(), Limits.DEFAULTS);
    ManagedChannel channel = channel(port, InsecureChannelCredentials.create());
    String token = device.register(AuthServiceGrpc.newBlockingStub(channel));
    SyncServiceGrpc.SyncServiceBlockingStub sync =
        ServerFixture.withToken(SyncServiceGrpc.newBlockingStub(channel), token);
    MethodDescriptor<byte[], PushResponse> rawPush =
        SyncServiceGrpc.getPushMethod().toBuilder(
                new RawBytes(), SyncServiceGrpc.getPushMethod().getResponseMarshaller())
            .build();
    Metadata headers = new Metadata();
    headers.put(AuthInterceptor.AUTHORIZATION, "Bearer " + token);
    Channel authenticated =
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    // Field 1 (changes) says it holds 100 bytes; 3 follow.
    byte[] truncated = {0x0a, 0x64, 0x01, 0x02, 0x03};

    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                ClientCalls.blockingUnaryCall(
                    authenticated, rawPush, CallOptions.DEFAULT, truncated));

    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals(
        ErrorReason.MALFORMED_MESSAGE.name(), e.getTrailers().get(ErrorReason.TRAILER_KEY));
    assertEquals(0, sync.pull(PullRequest.newBuilder().build()).next().getHead().getSeq());
    assertEquals(
        2,
        sync.push(PushRequest.newBuilder().addAllChanges(device.changes(1, 2)).build())
            .getHead()
            .getSeq());
  }

  /** Sends bytes as they are. */
  private static final class RawBytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      throw new UnsupportedOperationException("only sends");
    }
  }

  private void roundTrip(ManagedChannel channel) throws Exception {
    String token = device.register(AuthServiceGrpc.newBlockingStub(channel));
    token = device.authenticate(AuthServiceGrpc.newBlockingStub(channel));
    SyncServiceGrpc.SyncServiceBlockingStub sync =
        ServerFixture.withToken(SyncServiceGrpc.newBlockingStub(channel), token);

    PushResponse pushed =
        sync.push(PushRequest.newBuilder().addAllChanges(device.changes(1, 30)).build());
    List<dev.memvault.proto.sync.v1.LogEntry> pulled = new ArrayList<>();
    sync.pull(PullRequest.newBuilder().setPageSize(7).build())
        .forEachRemaining((PullResponse page) -> pulled.addAll(page.getEntriesList()));

    assertEquals(pushed.getEntriesList(), pulled);
    LogChain.verifyExtends(LogChain.emptyHead(), pulled, device.vaultId);
  }

  private int start(ServerCredentials credentials, Limits limits) throws Exception {
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), credentials);
    SyncServer server =
        fixture.startServer(
            builder,
            EmbeddedSyncStore.open(fixture.newDirectory(), limits.storeLimits()),
            fixture.defaults().limits(limits).build());
    return server.port();
  }

  private ManagedChannel channel(int port, ChannelCredentials credentials) {
    return fixture.track(Grpc.newChannelBuilderForAddress("127.0.0.1", port, credentials).build());
  }

  /** Makes a self-signed certificate for 127.0.0.1 with openssl; false if there is none. */
  static boolean selfSignedCertificate(Path cert, Path key) throws Exception {
    Process openssl;
    try {
      openssl =
          new ProcessBuilder(
                  "openssl",
                  "req",
                  "-x509",
                  "-newkey",
                  "ec",
                  "-pkeyopt",
                  "ec_paramgen_curve:prime256v1",
                  "-nodes",
                  "-days",
                  "1",
                  "-subj",
                  "/CN=localhost",
                  "-addext",
                  "subjectAltName=IP:127.0.0.1,DNS:localhost",
                  "-keyout",
                  key.toString(),
                  "-out",
                  cert.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (java.io.IOException e) {
      return false;
    }
    return openssl.waitFor(30, TimeUnit.SECONDS) && openssl.exitValue() == 0;
  }
}
