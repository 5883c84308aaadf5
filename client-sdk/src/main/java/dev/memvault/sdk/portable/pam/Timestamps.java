package dev.memvault.sdk.portable.pam;

import com.google.protobuf.Timestamp;
import java.time.Instant;

/** Instants as protobuf timestamps. */
final class Timestamps {
  private Timestamps() {}

  static Timestamp of(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  /** {@code updated}, or {@code created} when there is none or it comes before it. */
  static Instant notBefore(Instant created, Instant updated) {
    return updated == null || updated.isBefore(created) ? created : updated;
  }
}
