package dev.memvault.sdk.sync;

import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.v1.Device;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.server.ServerConfig;
import dev.memvault.server.SyncServer;
import dev.memvault.server.auth.ServerSecret;
import dev.memvault.server.limits.Limits;
import dev.memvault.server.store.EmbeddedSyncStore;
import io.grpc.InsecureServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * The real sync server on Netty over TCP on 127.0.0.1, with its embedded store in a directory,
 * inside the test JVM. Restartable on the same port and secret, on the same or another directory
 * (to roll its storage back).
 */
final class RealServer implements AutoCloseable {
  static final String SERVER_ID = "memvault-test-server";
  private static final ServerSecret SECRET = ServerSecret.generate(new SecureRandom());

  final int port;
  private Path data;
  private EmbeddedSyncStore store;
  private SyncServer server;

  RealServer(Path data) {
    this.port = freePort();
    this.data = data;
    start();
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  Path data() {
    return data;
  }

  void start() {
    store = EmbeddedSyncStore.open(data, Limits.DEFAULTS.storeLimits());
    server =
        new SyncServer(
            NettyServerBuilder.forAddress(
                new InetSocketAddress("127.0.0.1", port), InsecureServerCredentials.create()),
            store,
            ServerConfig.builder(SERVER_ID, SECRET).shutdownGrace(Duration.ofSeconds(1)).build());
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void stop() {
    server.close();
  }

  /** Stops, and starts again on {@code other} data (a copy from earlier: a rollback). */
  void restartOn(Path other) {
    stop();
    data = other;
    start();
  }

  /**
   * Adds {@code vault}'s device to its vault on this server, as device linking (not implemented
   * yet) will; a test stand-in that goes straight to the store.
   */
  void link(MemoryVault vault) {
    store.addDevice(
        vault.engine().vaultIdBytes(),
        Device.newBuilder()
            .setDeviceId(ByteString.copyFrom(vault.engine().deviceIdBytes()))
            .setSigningPublicKeyset(
                ByteString.copyFrom(vault.engine().deviceSigningKey().publicKeyset()))
            .setRegisteredAtMs(System.currentTimeMillis())
            .build());
  }

  @Override
  public void close() {
    stop();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
