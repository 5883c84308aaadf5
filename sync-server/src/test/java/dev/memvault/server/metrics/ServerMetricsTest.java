package dev.memvault.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServerMetricsTest {
  @Test
  void prometheusText_everyMetricWithHelpTypeAndValue() {
    ServerMetrics metrics = new ServerMetrics();
    metrics.pushed(3);
    metrics.pushed(2);
    metrics.pulled();
    metrics.authFailed("SESSION_EXPIRED");
    metrics.authFailed("AUTH_REQUIRED");
    metrics.authFailed("SESSION_EXPIRED");
    metrics.activeWatchesFrom(() -> 7);
    metrics.storeBytesFrom(() -> 1234);
    metrics.pushBufferFrom(() -> 3, () -> 5);

    List<String> lines = metrics.prometheusText().lines().toList();

    assertTrue(lines.contains("memvault_pushes_total 2"), lines.toString());
    assertTrue(lines.contains("memvault_changes_accepted_total 5"));
    assertTrue(lines.contains("memvault_pulls_total 1"));
    assertTrue(lines.contains("memvault_watch_streams_active 7"));
    assertTrue(lines.contains("memvault_auth_failures_total{reason=\"AUTH_REQUIRED\"} 1"));
    assertTrue(lines.contains("memvault_auth_failures_total{reason=\"SESSION_EXPIRED\"} 2"));
    assertTrue(lines.contains("memvault_store_bytes 1234"));
    assertTrue(lines.contains("memvault_push_buffer_used 3"));
    assertTrue(lines.contains("memvault_push_buffer_waiting 5"));
    assertTrue(lines.contains("# TYPE memvault_store_bytes gauge"));
    for (String line : lines) {
      assertTrue(
          line.startsWith("# HELP ")
              || line.startsWith("# TYPE ")
              || line.matches("memvault_[a-z_]+(\\{reason=\"[A-Z_]+\"})? -?\\d+"),
          line);
    }
  }

  @Test
  void prometheusText_storeUnavailable_stillAnswers() {
    ServerMetrics metrics = new ServerMetrics();
    metrics.storeBytesFrom(
        () -> {
          throw new IllegalStateException("closed");
        });

    assertTrue(metrics.prometheusText().contains("\nmemvault_store_bytes -1\n"));
    assertEquals(0, metrics.pushes());
  }
}
