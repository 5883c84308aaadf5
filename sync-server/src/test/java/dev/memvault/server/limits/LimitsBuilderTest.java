package dev.memvault.server.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LimitsBuilderTest {
  @Test
  void builder_nothingSet_theDefaults() {
    assertEquals(Limits.DEFAULTS, Limits.builder().build());
  }

  @Test
  void builder_everyValueSet_eachInItsComponent() {
    Limits limits =
        Limits.builder()
            .maxMessageBytes(1)
            .maxChangesPerPush(2)
            .maxPayloadBytes(3)
            .maxSignatureBytes(4)
            .maxPageSize(6)
            .defaultPageSize(5)
            .maxPageBytes(7)
            .maxBytesPerVault(8)
            .rateBurstChanges(9)
            .rateChangesPerSecond(10)
            .maxWatchesPerVault(11)
            .maxPublicKeysetBytes(12)
            .registrationsPerAddressPerHour(13)
            .recoveryCallsPerAddressPerHour(14)
            .pairingCallsPerAddressPerMinute(15)
            .limitLoopback(true)
            .maxVaults(16)
            .maxTotalBytes(17)
            .maxOpenPairingsPerDevice(18)
            .maxPushStreamsPerDevice(19)
            .build();

    assertEquals(
        new Limits(1, 2, 3, 4, 6, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, true, 16, 17, 18, 19),
        limits);
  }

  @Test
  void toBuilder_oneValueSet_restAsTheStart() {
    Limits start = Limits.builder().maxChangesPerPush(3).build();

    Limits limits = start.toBuilder().maxWatchesPerVault(2).build();

    assertEquals(3, limits.maxChangesPerPush());
    assertEquals(2, limits.maxWatchesPerVault());
    assertEquals(
        Limits.DEFAULTS,
        limits.toBuilder()
            .maxChangesPerPush(Limits.DEFAULTS.maxChangesPerPush())
            .maxWatchesPerVault(Limits.DEFAULTS.maxWatchesPerVault())
            .build());
  }

  @Test
  void maxPageSize_belowTheDefaultPageSize_defaultComesDownToIt() {
    Limits limits = Limits.builder().maxPageSize(4).build();

    assertEquals(4, limits.maxPageSize());
    assertEquals(4, limits.defaultPageSize());
  }

  @Test
  void maxPageSize_aboveTheDefaultPageSize_defaultKept() {
    assertEquals(100, Limits.builder().maxPageSize(1000).build().defaultPageSize());
  }

  @Test
  void build_nonPositiveLimit_illegalArgument() {
    assertThrows(
        IllegalArgumentException.class, () -> Limits.builder().rateChangesPerSecond(0).build());
    assertThrows(
        IllegalArgumentException.class, () -> Limits.builder().maxBytesPerVault(-1).build());
  }

  @Test
  void build_defaultPageSizeAboveMaximum_illegalArgument() {
    assertThrows(
        IllegalArgumentException.class, () -> Limits.builder().defaultPageSize(501).build());
  }
}
