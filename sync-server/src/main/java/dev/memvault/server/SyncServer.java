package dev.memvault.server;

import dev.memvault.proto.sync.v1.AuthServiceGrpc;
import dev.memvault.proto.sync.v1.SyncServiceGrpc;
import dev.memvault.server.auth.AuthAnonymousGrpcService;
import dev.memvault.server.auth.AuthInterceptor;
import dev.memvault.server.auth.DeviceKeys;
import dev.memvault.server.auth.GrantAuthInterceptor;
import dev.memvault.server.devices.DeviceChains;
import dev.memvault.server.devices.PairingSlots;
import dev.memvault.server.grants.GrantGrpcService;
import dev.memvault.server.limits.AddressRateInterceptor;
import dev.memvault.server.limits.RateLimiter;
import dev.memvault.server.metrics.MetricsInterceptor;
import dev.memvault.server.metrics.ServerMetrics;
import dev.memvault.server.store.SyncStore;
import dev.memvault.server.sync.PushParsing;
import dev.memvault.server.sync.PushStreamsPerDevice;
import dev.memvault.server.sync.SyncGrpcService;
import dev.memvault.server.sync.WatchHub;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The memvault sync server: AuthService, SyncService behind the auth interceptor, and the standard
 * gRPC health service, on whatever transport the given {@link ServerBuilder} makes (Netty with TLS
 * in production, in-process in tests).
 *
 * <p>The server owns the store from construction on and closes it on {@link #close()}. Health is
 * SERVING once started and NOT_SERVING from the moment shutdown begins.
 */
public final class SyncServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(SyncServer.class.getName());

  /** The names the health service reports on: the whole server ("") and each service. */
  static final List<String> HEALTH_NAMES =
      List.of("", AuthServiceGrpc.SERVICE_NAME, SyncServiceGrpc.SERVICE_NAME);

  private final SyncStore store;
  private final ServerConfig config;
  private final ServerMetrics metrics;
  private final WatchHub watches;

  /**
   * Where gRPC runs the calls' handlers: a fixed pool, not gRPC's default of a thread per busy
   * call, so that the threads handing work to Netty's event loops are bounded by the pool, not by
   * the number of devices (many of them spin in the loops' task queues: docs/PERFORMANCE.md). Never
   * shut down (gRPC may still hand it a call's last callbacks while the server terminates): its
   * threads end by themselves when idle.
   */
  private final ExecutorService callPool = callPool();

  /**
   * Where PushStream stores its batches. A few threads: the embedded store writes one transaction
   * at a time anyway (batches queued meanwhile join the next), and a thread per stream only adds
   * threads competing for the cores. Shut down before the store closes, after the calls.
   */
  private final ExecutorService pushStorePool =
      Executors.newFixedThreadPool(
          Math.max(4, 2 * Runtime.getRuntime().availableProcessors()),
          daemonThreads("memvault-push-store"));

  private final HealthStatusManager health = new HealthStatusManager();
  private final Server server;
  private final Object lifecycle = new Object();
  private boolean started;
  private boolean closed;

  public SyncServer(ServerBuilder<?> builder, SyncStore store, ServerConfig config) {
    this(builder, store, config, new ServerMetrics());
  }

  public SyncServer(
      ServerBuilder<?> builder, SyncStore store, ServerConfig config, ServerMetrics metrics) {
    this.store = store;
    this.config = config;
    this.metrics = metrics;
    this.watches = new WatchHub(store, config.limits(), config.watchSenderThreads());
    metrics.activeWatchesFrom(watches::activeStreams);
    metrics.storeBytesFrom(store::totalStoredBytes);
    metrics.vaultsFrom(store::vaultCount);
    metrics.caps(config.limits().maxVaults(), config.limits().maxTotalBytes());
    PushStreamsPerDevice pushStreams =
        new PushStreamsPerDevice(config.limits().maxPushStreamsPerDevice());
    metrics.pushStreamsFrom(pushStreams::openStreams);
    DeviceKeys keys = new DeviceKeys();
    DeviceChains chains = new DeviceChains(store, keys, config.clock());
    PairingSlots pairings = new PairingSlots(store, config.clock());
    AuthAnonymousGrpcService auth =
        new AuthAnonymousGrpcService(
            store,
            keys,
            chains,
            pairings,
            config.secret(),
            config.serverId(),
            config.sessionTtl(),
            config.limits(),
            config.clock(),
            config.random());
    SyncGrpcService sync =
        new SyncGrpcService(
            store,
            keys,
            chains,
            pairings,
            config.limits(),
            new RateLimiter(config.limits(), config.clock()),
            watches,
            metrics,
            config.clock(),
            pushStorePool,
            config.pushBatchesHeld());
    for (String name : HEALTH_NAMES) {
      health.setStatus(name, ServingStatus.NOT_SERVING);
    }
    this.server =
        builder
            .executor(callPool)
            .maxInboundMessageSize(config.limits().maxMessageBytes())
            .addService(
                ServerInterceptors.intercept(
                    auth, new AddressRateInterceptor(config.limits(), config.clock(), metrics)))
            .addService(
                // The last interceptor runs first: the auth interceptor names the device.
                ServerInterceptors.intercept(
                    PushParsing.streaming(sync.bindService()),
                    pushStreams,
                    new AuthInterceptor(store, config.secret(), config.clock())))
            .addService(
                ServerInterceptors.intercept(
                    new GrantGrpcService(store, config.limits(), config.clock()),
                    new GrantAuthInterceptor(chains, config.secret(), config.clock())))
            .addService(health.getHealthService())
            .intercept(new MetricsInterceptor(metrics))
            .build();
  }

  /**
   * Starts serving: subscribes to the store for Watch, binds the transport, reports SERVING.
   *
   * @throws IOException if the transport cannot bind
   */
  public SyncServer start() throws IOException {
    synchronized (lifecycle) {
      if (started || closed) {
        throw new IllegalStateException("a SyncServer starts once");
      }
      watches.start();
      server.start();
      started = true;
      for (String name : HEALTH_NAMES) {
        health.setStatus(name, ServingStatus.SERVING);
      }
      return this;
    }
  }

  /** The bound port (the real one when started on port 0); -1 for in-process transports. */
  public int port() {
    return server.getPort();
  }

  public ServerMetrics metrics() {
    return metrics;
  }

  public ServerConfig config() {
    return config;
  }

  /** Blocks until the server has shut down. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /**
   * Shuts down gracefully: reports NOT_SERVING, stops accepting calls, ends Watch streams with
   * UNAVAILABLE (SHUTTING_DOWN) so clients reconnect elsewhere, gives other calls the configured
   * grace period to finish, cancels what is left, and closes the store. Idempotent.
   */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      health.enterTerminalState();
      server.shutdown();
      watches.close();
      try {
        long graceMillis = config.shutdownGrace().toMillis();
        if (!server.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
          LOG.info("calls still running after the shutdown grace period; cancelling them");
          server.shutdownNow();
          server.awaitTermination(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        server.shutdownNow();
        Thread.currentThread().interrupt();
      } finally {
        stopPushStores();
        try {
          store.close();
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "cannot close the sync store cleanly", e);
        }
      }
    }
  }

  /** Lets a batch being stored finish, so that the store can close after this. */
  private void stopPushStores() {
    pushStorePool.shutdown();
    try {
      if (!pushStorePool.awaitTermination(10, TimeUnit.SECONDS)) {
        pushStorePool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pushStorePool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private static ExecutorService callPool() {
    int threads = Math.max(16, 4 * Runtime.getRuntime().availableProcessors());
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            daemonThreads("memvault-call"));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private static ThreadFactory daemonThreads(String name) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
