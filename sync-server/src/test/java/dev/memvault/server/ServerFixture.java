package dev.memvault.server;

import dev.memvault.proto.sync.v1.AuthServiceGrpc;
import dev.memvault.proto.sync.v1.SyncServiceGrpc;
import dev.memvault.server.auth.AuthInterceptor;
import dev.memvault.server.auth.ServerSecret;
import dev.memvault.server.limits.Limits;
import dev.memvault.server.store.EmbeddedSyncStore;
import dev.memvault.server.store.SyncStore;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerBuilder;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * In-process sync servers for one test, each on an embedded store in a fresh temporary directory,
 * with a clock the test moves; everything it made is shut down and deleted after each test (the
 * JUnit 5 counterpart of grpc-java's GrpcCleanupRule). Register with {@code @RegisterExtension}.
 */
final class ServerFixture implements AfterEachCallback {
  static final String SERVER_ID = "sync.test.example:7443";
  static final ServerSecret SECRET =
      ServerSecret.fromHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

  final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final Deque<AutoCloseable> cleanup = new ArrayDeque<>();
  private ManagedChannel channel;
  private SyncServer server;
  private SyncStore store;
  private String name;

  /** Starts the default server (default limits) unless one is running; returns it. */
  SyncServer server() {
    if (server == null) {
      start(config -> config);
    }
    return server;
  }

  /** Starts the test's server with adjusted configuration and limits. */
  SyncServer start(UnaryOperator<ServerConfig.Builder> adjust) {
    ServerConfig config = adjust.apply(defaults()).build();
    return start(EmbeddedSyncStore.open(newDirectory(), config.limits().storeLimits()), config);
  }

  SyncServer start(Limits limits) {
    return start(config -> config.limits(limits));
  }

  /** Starts the test's server on {@code store}, which it then owns. */
  SyncServer start(SyncStore store, ServerConfig config) {
    if (server != null) {
      throw new IllegalStateException("this test's server is already running");
    }
    name = InProcessServerBuilder.generateName();
    this.store = store;
    server = startServer(store, config, name);
    return server;
  }

  /** Starts another in-process server; returns its in-process name. */
  String startAnother(SyncStore store, ServerConfig config) {
    String otherName = InProcessServerBuilder.generateName();
    startServer(store, config, otherName);
    return otherName;
  }

  private SyncServer startServer(SyncStore store, ServerConfig config, String serverName) {
    return startServer(InProcessServerBuilder.forName(serverName), store, config);
  }

  /** Starts a server on any transport (a real one, say); it is closed after the test. */
  SyncServer startServer(ServerBuilder<?> builder, SyncStore store, ServerConfig config) {
    SyncServer started = new SyncServer(builder, store, config);
    cleanup.push(started);
    try {
      started.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return started;
  }

  /** The store of the test's server (started if need be), to set up what no RPC does yet. */
  SyncStore store() {
    server();
    return store;
  }

  ServerConfig.Builder defaults() {
    return ServerConfig.builder(SERVER_ID, SECRET)
        .clock(clock)
        .shutdownGrace(Duration.ofSeconds(2));
  }

  Path newDirectory() {
    try {
      Path directory = Files.createTempDirectory("memvault-server-test");
      cleanup.push(() -> deleteRecursively(directory));
      return directory;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  ManagedChannel channel() {
    server();
    if (channel == null) {
      channel = channel(name);
    }
    return channel;
  }

  ManagedChannel channel(String serverName) {
    return track(InProcessChannelBuilder.forName(serverName).build());
  }

  /** Shuts {@code opened} down after the test. */
  ManagedChannel track(ManagedChannel opened) {
    cleanup.push(
        () -> {
          opened.shutdownNow();
          opened.awaitTermination(5, TimeUnit.SECONDS);
        });
    return opened;
  }

  /** Shuts {@code executor} down after the test, once what was started after it is closed. */
  <E extends ExecutorService> E track(E executor) {
    cleanup.push(
        () -> {
          executor.shutdownNow();
          executor.awaitTermination(5, TimeUnit.SECONDS);
        });
    return executor;
  }

  AuthServiceGrpc.AuthServiceBlockingStub auth() {
    return AuthServiceGrpc.newBlockingStub(channel());
  }

  SyncServiceGrpc.SyncServiceBlockingStub sync(String token) {
    return withToken(SyncServiceGrpc.newBlockingStub(channel()), token);
  }

  SyncServiceGrpc.SyncServiceStub asyncSync(String token) {
    return withToken(SyncServiceGrpc.newStub(channel()), token);
  }

  static <S extends AbstractStub<S>> S withToken(S stub, String token) {
    Metadata headers = new Metadata();
    headers.put(AuthInterceptor.AUTHORIZATION, "Bearer " + token);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /** Registers a new vault with its first device; returns the device's session token. */
  String registered(TestDevice device) {
    return device.register(auth());
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    Exception first = null;
    while (!cleanup.isEmpty()) {
      try {
        cleanup.pop().close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    server = null;
    store = null;
    channel = null;
    if (first != null) {
      throw first;
    }
  }

  static void deleteRecursively(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
