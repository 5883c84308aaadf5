package dev.memvault.server;

import dev.memvault.server.auth.ServerSecret;
import dev.memvault.server.limits.Limits;
import dev.memvault.server.metrics.MetricsHttpServer;
import dev.memvault.server.metrics.ServerMetrics;
import dev.memvault.server.store.EmbeddedSyncStore;
import dev.memvault.server.store.PostgresSyncStore;
import dev.memvault.server.store.StoreException;
import dev.memvault.server.store.SyncStore;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code memvault-server} command: opens a store (embedded files or PostgreSQL), starts a
 * {@link SyncServer} on Netty, optionally a metrics endpoint, and runs until SIGTERM or SIGINT,
 * then shuts down gracefully. Prints one line when it is ready and one when it has stopped:
 *
 * <pre>
 * memvault sync server listening on HOST:PORT (embedded store at DIR)
 * memvault sync server stopped
 * </pre>
 *
 * <p>Exit codes: 143 (SIGTERM) or 130 (SIGINT), the JVM's 128 + the signal's number, after the
 * graceful shutdown that the stop line reports; 1 if the server could not start (store, port, TLS
 * files); 2 for a usage error, including plaintext on a non-loopback address without {@code
 * --insecure}.
 */
@Command(
    name = "memvault-server",
    mixinStandardHelpOptions = true,
    version = "memvault-server " + ServerMain.VERSION,
    description = "The memvault sync server: stores and relays encrypted vault changes.",
    sortOptions = false)
public final class ServerMain implements Callable<Integer> {
  static final String SECRET_ENV = "MEMVAULT_SERVER_SECRET";
  static final String SECRET_FILE = "server-secret";
  static final int USAGE = 2;

  static final String VERSION = "0.1.0";
  static final int FAILED = 1;
  static final String STOPPED = "memvault sync server stopped";
  private static final long MIB = 1024 * 1024;

  /** Held here: java.util.logging keeps loggers weakly, and a collected one forgets its level. */
  private static final Logger CONNECTION_POOL_LOG = Logger.getLogger("com.zaxxer.hikari");

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Embedded store directory (default: ./server-data).")
  Path data;

  @Option(
      names = "--postgres",
      paramLabel = "JDBC_URL",
      description = "Use PostgreSQL instead, e.g. jdbc:postgresql://db:5432/memvault.")
  String postgresUrl;

  @Option(names = "--postgres-user", paramLabel = "USER")
  String postgresUser;

  @Option(
      names = "--postgres-password-env",
      paramLabel = "VAR",
      description = "Name of the environment variable holding the PostgreSQL password.")
  String postgresPasswordEnv;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:7443",
      description = "Address for gRPC (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "Certificate chain (PEM).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "Private key (PKCS#8 PEM).")
  Path tlsKey;

  @Option(
      names = "--insecure",
      description = "Allow plaintext on a non-loopback address (TLS terminated elsewhere).")
  boolean insecure;

  @Option(
      names = "--metrics-listen",
      paramLabel = "HOST:PORT",
      description = "Serve Prometheus metrics at http://HOST:PORT/metrics.")
  String metricsListen;

  @Option(
      names = "--server-id",
      paramLabel = "ID",
      description =
          "This server's identity in challenges, which devices pin at first contact (default:"
              + " the one kept in the store since its first start, else the --listen address).")
  String serverId;

  @Option(
      names = "--secret-file",
      paramLabel = "FILE",
      description =
          "File with the 64-hex-digit server secret; or set "
              + SECRET_ENV
              + ". Embedded default: DIR/"
              + SECRET_FILE
              + ", created on first start. Every server on one store needs the same secret: the"
              + " store keeps a check value of the first one and refuses a start with another.")
  Path secretFile;

  @Option(
      names = "--rotate-secret",
      description =
          "Accept this start's secret in place of the one the store was first started with (after"
              + " a leak): stop every server on the store first, then start them all with the new"
              + " one; devices sign in again.")
  boolean rotateSecret;

  @Option(
      names = "--session-minutes",
      paramLabel = "N",
      defaultValue = "15",
      description = "Session token lifetime (default: ${DEFAULT-VALUE}).")
  int sessionMinutes;

  @Option(
      names = "--vault-quota-mib",
      paramLabel = "N",
      defaultValue = "1024",
      description = "Storage quota per vault (default: ${DEFAULT-VALUE}).")
  long vaultQuotaMib;

  @Option(
      names = "--rate",
      paramLabel = "CHANGES_PER_SECOND",
      defaultValue = "500",
      description =
          "Changes per second each device may push once its burst is spent (default:"
              + " ${DEFAULT-VALUE}); clients wait and retry when refused.")
  long ratePerSecond;

  @Option(
      names = "--rate-burst",
      paramLabel = "CHANGES",
      defaultValue = "5000",
      description =
          "Changes a device may push at once before the rate applies (default: ${DEFAULT-VALUE}).")
  long rateBurst;

  @Option(
      names = "--push-buffer",
      paramLabel = "BATCHES",
      defaultValue = "" + ServerConfig.DEFAULT_PUSH_BATCHES_HELD,
      description =
          "Pushed batches held in memory at once, read and not yet stored, across all devices"
              + " (default: ${DEFAULT-VALUE}, each up to about a megabyte); more devices pushing"
              + " at once wait in flow control.")
  int pushBuffer;

  @Option(
      names = "--max-vaults",
      paramLabel = "N",
      defaultValue = "10000",
      description =
          "Vaults this server accepts in all; RegisterVault past it is refused SERVER_FULL"
              + " (default: ${DEFAULT-VALUE}).")
  long maxVaults;

  @Option(
      names = "--max-storage-mib",
      paramLabel = "N",
      defaultValue = "102400",
      description =
          "Storage for all vaults together; set it below the disk's free space. A push past it is"
              + " refused SERVER_STORAGE_FULL (default: ${DEFAULT-VALUE}, 100 GiB).")
  long maxStorageMib;

  @Option(
      names = "--max-pairings-per-device",
      paramLabel = "N",
      defaultValue = "4",
      description = "Pairing slots one device may have open at once (default: ${DEFAULT-VALUE}).")
  int maxPairingsPerDevice;

  @Option(
      names = "--max-push-streams-per-device",
      paramLabel = "N",
      defaultValue = "4",
      description =
          "PushStream calls one device may have open at once (default: ${DEFAULT-VALUE}).")
  int maxPushStreamsPerDevice;

  @Option(
      names = "--registrations-per-hour",
      paramLabel = "N",
      defaultValue = "10",
      description = "Vault registrations per source address (default: ${DEFAULT-VALUE}).")
  long registrationsPerHour;

  @Option(
      names = "--recovery-calls-per-hour",
      paramLabel = "N",
      defaultValue = "20",
      description =
          "Recovery calls (GetRecoveryBundle, JoinWithRecovery) per source address (default:"
              + " ${DEFAULT-VALUE}).")
  long recoveryCallsPerHour;

  @Option(
      names = "--pairing-calls-per-minute",
      paramLabel = "N",
      defaultValue = "600",
      description =
          "Pairing relay calls of joining devices (PostJoinRequest, AwaitKeyPackage) per source"
              + " address (default: ${DEFAULT-VALUE}).")
  long pairingCallsPerMinute;

  @Option(
      names = "--limit-loopback",
      description =
          "Apply the per-address limits to loopback callers too (exempt by default). Behind a"
              + " reverse proxy all clients share its address: per-address limits then count them"
              + " together; forwarded-for headers are not trusted.")
  boolean limitLoopback;

  private final Map<String, String> env;
  private final PrintWriter out;
  private final PrintWriter err;

  ServerMain(Map<String, String> env, PrintWriter out, PrintWriter err) {
    this.env = env;
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty(
          "java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
    }
    if (System.getProperty("java.util.logging.config.file") == null) {
      // The pool's notes and warnings say nothing the server's own lines do not: a database gone
      // mid-run is one line of the store's ("the sync database cannot be reached ..."), not a
      // warning per broken connection. Its errors still show.
      CONNECTION_POOL_LOG.setLevel(Level.SEVERE);
    }
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(run(args, System.getenv(), out, err));
  }

  /** Runs the command; returns its exit code. Blocks while the server runs. */
  static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
    CommandLine command = new CommandLine(new ServerMain(env, out, err));
    command.setOut(out);
    command.setErr(err);
    return command.execute(args);
  }

  /** A refusal to start, with the one line to print and the exit code. */
  static final class StartupException extends Exception {
    private static final long serialVersionUID = 1L;
    final int exitCode;

    StartupException(int exitCode, String message) {
      super(message);
      this.exitCode = exitCode;
    }
  }

  @Override
  public Integer call() {
    try {
      return serve();
    } catch (StartupException e) {
      err.println("memvault-server: " + e.getMessage());
      return e.exitCode;
    }
  }

  private int serve() throws StartupException {
    if (data != null && postgresUrl != null) {
      throw new StartupException(USAGE, "give either --data or --postgres, not both");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new StartupException(USAGE, "--tls-cert and --tls-key go together");
    }
    positive("--session-minutes", sessionMinutes);
    positive("--vault-quota-mib", vaultQuotaMib);
    positive("--rate", ratePerSecond);
    positive("--rate-burst", rateBurst);
    positive("--push-buffer", pushBuffer);
    positive("--max-vaults", maxVaults);
    positive("--max-storage-mib", maxStorageMib);
    positive("--max-pairings-per-device", maxPairingsPerDevice);
    positive("--max-push-streams-per-device", maxPushStreamsPerDevice);
    positive("--registrations-per-hour", registrationsPerHour);
    positive("--recovery-calls-per-hour", recoveryCallsPerHour);
    positive("--pairing-calls-per-minute", pairingCallsPerMinute);
    if (vaultQuotaMib > Long.MAX_VALUE / MIB || maxStorageMib > Long.MAX_VALUE / MIB) {
      throw new StartupException(USAGE, "--vault-quota-mib and --max-storage-mib are too large");
    }
    if (postgresUrl != null && secretFile == null && isBlank(env.get(SECRET_ENV))) {
      throw new StartupException(
          USAGE,
          "server processes sharing a PostgreSQL database need one shared secret: set "
              + SECRET_ENV
              + " (64 hex digits) or give --secret-file");
    }
    InetSocketAddress address = address("--listen", listen);
    boolean tls = tlsCert != null;
    if (!tls && !insecure && !address.getAddress().isLoopbackAddress()) {
      throw new StartupException(
          USAGE,
          "refusing to listen on "
              + listen
              + " without TLS: give --tls-cert and --tls-key, or --insecure if a proxy in front"
              + " terminates TLS");
    }
    InetSocketAddress metricsAddress =
        metricsListen == null ? null : address("--metrics-listen", metricsListen);
    Limits limits =
        Limits.builder()
            .maxBytesPerVault(vaultQuotaMib * MIB)
            .rateBurstChanges(rateBurst)
            .rateChangesPerSecond(ratePerSecond)
            .maxVaults(maxVaults)
            .maxTotalBytes(maxStorageMib * MIB)
            .maxOpenPairingsPerDevice(maxPairingsPerDevice)
            .maxPushStreamsPerDevice(maxPushStreamsPerDevice)
            .registrationsPerAddressPerHour(registrationsPerHour)
            .recoveryCallsPerAddressPerHour(recoveryCallsPerHour)
            .pairingCallsPerAddressPerMinute(pairingCallsPerMinute)
            .limitLoopback(limitLoopback)
            .build();
    ServerCredentials credentials = credentials(tls);
    String postgresPassword = postgresPassword();

    SecureRandom random = new SecureRandom();
    Path dataDirectory = data != null ? data : Path.of("server-data");
    SyncStore store = openStore(dataDirectory, postgresPassword, limits);
    SyncServer server;
    MetricsHttpServer metricsServer = null;
    String identity;
    try {
      ServerSecret secret = secret(dataDirectory, random);
      identity = identity(store);
      checkSecret(store, secret);
      ServerConfig config =
          ServerConfig.builder(identity, secret)
              .sessionTtl(Duration.ofMinutes(sessionMinutes))
              .limits(limits)
              .random(random)
              .pushBatchesHeld(pushBuffer)
              .build();
      NettyServerBuilder builder =
          NettyServerBuilder.forAddress(address, credentials)
              // Watch streams stay open for hours: let clients keep idle connections alive.
              .permitKeepAliveTime(20, TimeUnit.SECONDS)
              .permitKeepAliveWithoutCalls(true)
              .keepAliveTime(2, TimeUnit.MINUTES)
              .keepAliveTimeout(20, TimeUnit.SECONDS);
      ServerMetrics metrics = new ServerMetrics();
      server = new SyncServer(builder, store, config, metrics);
      try {
        server.start();
      } catch (IOException e) {
        server.close();
        throw new StartupException(FAILED, "cannot listen on " + listen + ": " + e.getMessage());
      }
      if (metricsAddress != null) {
        try {
          metricsServer = MetricsHttpServer.start(metricsAddress, metrics);
        } catch (IOException e) {
          server.close();
          throw new StartupException(
              FAILED, "cannot serve metrics on " + metricsListen + ": " + e.getMessage());
        }
        InetSocketAddress bound = metricsServer.address();
        out.println(
            "memvault sync server metrics at http://"
                + hostPort(metricsAddress, bound.getPort())
                + "/metrics");
      }
    } catch (StartupException | RuntimeException e) {
      store.close();
      throw e;
    }

    CountDownLatch stopped = new CountDownLatch(1);
    MetricsHttpServer metricsToStop = metricsServer;
    Thread hook =
        new Thread(
            () -> {
              if (metricsToStop != null) {
                metricsToStop.close();
              }
              server.close();
              // Printed only once every call has ended and the store is closed: an operator (or
              // systemd) that sees it knows nothing is left half-written.
              out.println(STOPPED);
              out.flush();
              stopped.countDown();
            },
            "memvault-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    String storeText =
        postgresUrl != null
            ? "PostgreSQL store"
            : "embedded store at " + dataDirectory.toAbsolutePath().normalize();
    store
        .schemaMigration()
        .ifPresent(migration -> out.println("memvault sync server store: " + migration.describe()));
    out.println(
        "memvault sync server listening on "
            + hostPort(address, server.port())
            + " ("
            + storeText
            + ")");
    out.println(
        "memvault sync server "
            + VERSION
            + ": identity '"
            + identity
            + "' (devices pin it), "
            + (tls
                ? "TLS"
                : insecure ? "no TLS (--insecure: TLS ends in front)" : "no TLS (loopback)"));
    out.flush();
    try {
      server.awaitTermination();
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private SyncStore openStore(Path dataDirectory, String postgresPassword, Limits limits)
      throws StartupException {
    try {
      if (postgresUrl != null) {
        return PostgresSyncStore.open(
            postgresUrl, postgresUser, postgresPassword, limits.storeLimits());
      }
      return EmbeddedSyncStore.open(dataDirectory, limits.storeLimits());
    } catch (StoreException e) {
      throw new StartupException(FAILED, e.getMessage() + ": " + reason(e));
    } catch (IllegalStateException e) {
      throw new StartupException(FAILED, e.getMessage());
    }
  }

  /**
   * Why the store could not open, in the database's words: the first SQLException among the causes
   * (the driver's "Connection to HOST:PORT refused. Check that ...", "password authentication
   * failed"), not the connection pool's wrapping of it.
   */
  private static String reason(StoreException e) {
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException) {
        return cause.getMessage();
      }
    }
    return (e.getCause() != null ? e.getCause() : e).getMessage();
  }

  /** --secret-file, else MEMVAULT_SERVER_SECRET, else (embedded only) DIR/server-secret. */
  private ServerSecret secret(Path dataDirectory, SecureRandom random) throws StartupException {
    try {
      if (secretFile != null) {
        return ServerSecret.read(secretFile);
      }
      String fromEnv = env.get(SECRET_ENV);
      if (!isBlank(fromEnv)) {
        return ServerSecret.fromHex(fromEnv);
      }
      return ServerSecret.readOrCreate(dataDirectory.resolve(SECRET_FILE), random);
    } catch (IOException e) {
      throw new StartupException(FAILED, "cannot read or create the server secret: " + e);
    } catch (IllegalArgumentException e) {
      throw new StartupException(FAILED, "the server secret is not usable: " + e.getMessage());
    }
  }

  private ServerCredentials credentials(boolean tls) throws StartupException {
    if (!tls) {
      return InsecureServerCredentials.create();
    }
    try {
      return TlsServerCredentials.create(tlsCert.toFile(), tlsKey.toFile());
    } catch (IOException | IllegalArgumentException e) {
      throw new StartupException(
          FAILED, "cannot read the TLS certificate or key: " + e.getMessage());
    }
  }

  private String postgresPassword() throws StartupException {
    if (postgresPasswordEnv == null) {
      return null;
    }
    if (postgresUrl == null) {
      throw new StartupException(USAGE, "--postgres-password-env needs --postgres");
    }
    String password = env.get(postgresPasswordEnv);
    if (password == null) {
      throw new StartupException(
          USAGE, "the environment variable " + postgresPasswordEnv + " is not set");
    }
    return password;
  }

  /**
   * The identity kept in the store: every replica on a shared store, and a restart on another
   * address, answers with the one the first start stored. An explicit --server-id that differs is
   * refused: devices that pinned the stored one would refuse this server.
   */
  private String identity(SyncStore store) throws StartupException {
    String stored = store.serverIdentity(serverId != null ? serverId : listen);
    if (serverId != null && !serverId.equals(stored)) {
      throw new StartupException(
          USAGE,
          "this store belongs to server identity '"
              + stored
              + "', which devices pinned at first contact; start without --server-id, or with"
              + " --server-id "
              + stored);
    }
    return stored;
  }

  /**
   * Refuses a secret other than the one the store was first started with: replicas holding
   * different secrets would each refuse the challenges and sessions the other issued, and devices
   * would fail at random. A store without a check value yet records this start's.
   */
  private void checkSecret(SyncStore store, ServerSecret secret) throws StartupException {
    byte[] check = secret.check();
    if (rotateSecret) {
      store.replaceServerSecretCheck(check);
      return;
    }
    if (!MessageDigest.isEqual(check, store.serverSecretCheck(check))) {
      throw new StartupException(
          FAILED,
          "this server's secret is not the one its store was first started with: give every"
              + " server on the store the same "
              + SECRET_ENV
              + " or --secret-file (--rotate-secret to replace it, every other server stopped)");
    }
  }

  private static InetSocketAddress address(String option, String hostPort) throws StartupException {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      throw new StartupException(USAGE, option + " must be HOST:PORT, not " + hostPort);
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new StartupException(USAGE, option + " has no valid port: " + hostPort);
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      throw new StartupException(USAGE, option + " names an unknown host: " + host);
    }
  }

  private static void positive(String option, long value) throws StartupException {
    if (value <= 0) {
      throw new StartupException(USAGE, option + " must be positive, not " + value);
    }
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }

  private static String hostPort(InetSocketAddress requested, int boundPort) {
    String host = requested.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + boundPort;
  }
}
