package dev.memvault.server.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The counters of one server process, rendered in the Prometheus text format. They count calls and
 * bytes only: no ids, no payloads, no tokens, so a metrics scrape reveals nothing about any vault.
 */
public final class ServerMetrics {
  private final LongAdder pushes = new LongAdder();
  private final LongAdder changesAccepted = new LongAdder();
  private final LongAdder pulls = new LongAdder();
  private final Map<String, LongAdder> authFailures = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> rejections = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> addressRateLimited = new ConcurrentHashMap<>();
  private volatile LongSupplier vaults = () -> 0;
  private volatile long maxVaults = Long.MAX_VALUE;
  private volatile long maxStoreBytes = Long.MAX_VALUE;
  private volatile IntSupplier pushStreamsOpen = () -> 0;
  private volatile IntSupplier activeWatches = () -> 0;
  private volatile LongSupplier storeBytes = () -> 0;
  private volatile IntSupplier pushBufferUsed = () -> 0;
  private volatile IntSupplier pushBufferWaiting = () -> 0;

  /** A push succeeded with {@code changes} changes (retried ones included). */
  public void pushed(int changes) {
    pushes.increment();
    changesAccepted.add(changes);
  }

  public void pulled() {
    pulls.increment();
  }

  /** A call ended UNAUTHENTICATED for {@code reason}. */
  public void authFailed(String reason) {
    authFailures.computeIfAbsent(reason, key -> new LongAdder()).increment();
  }

  /** A call was refused for {@code reason} (any status). */
  public void rejected(String reason) {
    rejections.computeIfAbsent(reason, key -> new LongAdder()).increment();
  }

  /** A call of {@code kind} was refused because its source address spent its allowance. */
  public void addressRateLimited(String kind) {
    addressRateLimited.computeIfAbsent(kind, key -> new LongAdder()).increment();
  }

  public long addressRateLimitedCount(String kind) {
    return addressRateLimited.getOrDefault(kind, new LongAdder()).sum();
  }

  /** The server-wide caps, shown next to their usage. */
  public void caps(long maxVaults, long maxStoreBytes) {
    this.maxVaults = maxVaults;
    this.maxStoreBytes = maxStoreBytes;
  }

  public void vaultsFrom(LongSupplier supplier) {
    this.vaults = supplier;
  }

  public void pushStreamsFrom(IntSupplier supplier) {
    this.pushStreamsOpen = supplier;
  }

  public void activeWatchesFrom(IntSupplier supplier) {
    this.activeWatches = supplier;
  }

  public void storeBytesFrom(LongSupplier supplier) {
    this.storeBytes = supplier;
  }

  /**
   * The push buffer ({@code --push-buffer}): batches held now, and requests for a place waiting;
   * waiting requests that stay high say the buffer, or the store behind it, is the bottleneck.
   */
  public void pushBufferFrom(IntSupplier used, IntSupplier waiting) {
    this.pushBufferUsed = used;
    this.pushBufferWaiting = waiting;
  }

  public long pushes() {
    return pushes.sum();
  }

  public long authFailures(String reason) {
    LongAdder adder = authFailures.get(reason);
    return adder == null ? 0 : adder.sum();
  }

  /** The Prometheus text exposition format, version 0.0.4. */
  public String prometheusText() {
    StringBuilder out = new StringBuilder();
    counter(out, "memvault_pushes_total", "Successful Push calls.", pushes.sum());
    counter(
        out,
        "memvault_changes_accepted_total",
        "Changes in successful Push calls, retried ones included.",
        changesAccepted.sum());
    counter(out, "memvault_pulls_total", "Pull calls.", pulls.sum());
    gauge(out, "memvault_watch_streams_active", "Open Watch streams.", activeWatches.getAsInt());
    gauge(
        out,
        "memvault_push_streams_open",
        "Open PushStream calls, all devices (each device at most --max-push-streams-per-device).",
        pushStreamsOpen.getAsInt());
    gauge(
        out,
        "memvault_push_buffer_used",
        "Pushed batches read and not yet stored, all devices (at most --push-buffer).",
        pushBufferUsed.getAsInt());
    gauge(
        out,
        "memvault_push_buffer_waiting",
        "PushStream requests for a batch waiting for room in the push buffer.",
        pushBufferWaiting.getAsInt());
    byReason(
        out,
        "memvault_auth_failures_total",
        "Calls ended UNAUTHENTICATED, by reason.",
        authFailures);
    byReason(
        out,
        "memvault_rejections_total",
        "Calls refused with a memvault-reason, by reason.",
        rejections);
    byLabel(
        out,
        "memvault_address_rate_limited_total",
        "Calls that need no sign-in refused RATE_LIMITED for their source address, by kind.",
        "call",
        addressRateLimited);
    gauge(
        out,
        "memvault_store_bytes",
        "Bytes of payloads and signatures stored, all vaults.",
        orUnavailable(storeBytes));
    gauge(out, "memvault_store_bytes_max", "The cap on all vaults' bytes.", maxStoreBytes);
    gauge(out, "memvault_vaults", "Vaults registered.", orUnavailable(vaults));
    gauge(out, "memvault_vaults_max", "The cap on vaults registered.", maxVaults);
    return out.toString();
  }

  /** The store's figure, or -1 while the store is unavailable: the scrape still answers. */
  private static long orUnavailable(LongSupplier fromStore) {
    try {
      return fromStore.getAsLong();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private static void counter(StringBuilder out, String name, String help, long value) {
    header(out, name, help, "counter");
    out.append(name).append(' ').append(value).append('\n');
  }

  private static void gauge(StringBuilder out, String name, String help, long value) {
    header(out, name, help, "gauge");
    out.append(name).append(' ').append(value).append('\n');
  }

  private static void byReason(
      StringBuilder out, String name, String help, Map<String, LongAdder> values) {
    byLabel(out, name, help, "reason", values);
  }

  private static void byLabel(
      StringBuilder out, String name, String help, String label, Map<String, LongAdder> values) {
    header(out, name, help, "counter");
    // Values are enum names (ErrorReason, AddressRateInterceptor.Kind): [A-Z_]+, nothing to escape.
    new TreeMap<>(values)
        .forEach(
            (value, count) ->
                out.append(name)
                    .append('{')
                    .append(label)
                    .append("=\"")
                    .append(value)
                    .append("\"} ")
                    .append(count.sum())
                    .append('\n'));
  }

  private static void header(StringBuilder out, String name, String help, String type) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }
}
