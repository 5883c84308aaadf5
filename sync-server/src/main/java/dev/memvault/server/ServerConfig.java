package dev.memvault.server;

import dev.memvault.server.auth.ServerSecret;
import dev.memvault.server.limits.Limits;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How one {@link SyncServer} behaves: its identity, its secret, session lifetime, limits and the
 * clock and randomness it uses (injected, so tests are deterministic). Server processes that share
 * a database must share the server id and the secret, so that a challenge or token one issued is
 * good at all of them.
 */
public final class ServerConfig {
  /** Default lifetime of a session token. */
  public static final Duration DEFAULT_SESSION_TTL = Duration.ofMinutes(15);

  /**
   * Default number of pushed batches the server holds at once, read and not yet stored, across all
   * devices (each up to {@code Limits.maxMessageBytes()}, about a megabyte parsed at the default
   * 500 changes): enough to keep the store busy on a few cores; more devices wait in HTTP/2 flow
   * control.
   */
  public static final int DEFAULT_PUSH_BATCHES_HELD = 16;

  /** Default time in-flight calls get to finish on shutdown. */
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);

  private final String serverId;
  private final ServerSecret secret;
  private final Duration sessionTtl;
  private final Limits limits;
  private final Clock clock;
  private final SecureRandom random;
  private final Duration shutdownGrace;
  private final int watchSenderThreads;
  private final int pushBatchesHeld;

  private ServerConfig(Builder builder) {
    this.serverId = builder.serverId;
    this.secret = builder.secret;
    this.sessionTtl = builder.sessionTtl;
    this.limits = builder.limits;
    this.clock = builder.clock;
    this.random = builder.random;
    this.shutdownGrace = builder.shutdownGrace;
    this.watchSenderThreads = builder.watchSenderThreads;
    this.pushBatchesHeld = builder.pushBatchesHeld;
  }

  /**
   * @param serverId what challenges name as this server (GetChallengeResponse.server_id): its
   *     public address or a configured name; clients sign it, so a signature made for one server is
   *     worthless at another
   */
  public static Builder builder(String serverId, ServerSecret secret) {
    return new Builder(serverId, secret);
  }

  public String serverId() {
    return serverId;
  }

  public ServerSecret secret() {
    return secret;
  }

  public Duration sessionTtl() {
    return sessionTtl;
  }

  public Limits limits() {
    return limits;
  }

  public Clock clock() {
    return clock;
  }

  public SecureRandom random() {
    return random;
  }

  public Duration shutdownGrace() {
    return shutdownGrace;
  }

  public int watchSenderThreads() {
    return watchSenderThreads;
  }

  public int pushBatchesHeld() {
    return pushBatchesHeld;
  }

  @Override
  public String toString() {
    return "ServerConfig[serverId="
        + serverId
        + ", sessionTtl="
        + sessionTtl
        + ", limits="
        + limits
        + "]";
  }

  /** Builds a {@link ServerConfig}; every setting but the id and the secret has a default. */
  public static final class Builder {
    private final String serverId;
    private final ServerSecret secret;
    private Duration sessionTtl = DEFAULT_SESSION_TTL;
    private Limits limits = Limits.DEFAULTS;
    private Clock clock = Clock.systemUTC();
    private SecureRandom random = new SecureRandom();
    private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
    private int watchSenderThreads = 2;
    private int pushBatchesHeld = DEFAULT_PUSH_BATCHES_HELD;

    private Builder(String serverId, ServerSecret secret) {
      if (serverId == null || serverId.isBlank()) {
        throw new IllegalArgumentException("a server id must not be blank");
      }
      this.serverId = serverId;
      this.secret = Objects.requireNonNull(secret, "secret");
    }

    public Builder sessionTtl(Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("a session lifetime must be positive");
      }
      this.sessionTtl = value;
      return this;
    }

    public Builder limits(Limits value) {
      this.limits = Objects.requireNonNull(value);
      return this;
    }

    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value);
      return this;
    }

    public Builder random(SecureRandom value) {
      this.random = Objects.requireNonNull(value);
      return this;
    }

    public Builder shutdownGrace(Duration value) {
      this.shutdownGrace = Objects.requireNonNull(value);
      return this;
    }

    public Builder watchSenderThreads(int value) {
      if (value <= 0) {
        throw new IllegalArgumentException("need at least one watch sender thread");
      }
      this.watchSenderThreads = value;
      return this;
    }

    public Builder pushBatchesHeld(int value) {
      if (value <= 0) {
        throw new IllegalArgumentException("the server must hold at least one pushed batch");
      }
      this.pushBatchesHeld = value;
      return this;
    }

    public ServerConfig build() {
      return new ServerConfig(this);
    }
  }
}
