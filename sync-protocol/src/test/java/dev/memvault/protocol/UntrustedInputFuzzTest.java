package dev.memvault.protocol;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.memvault.proto.sync.v1.DeviceChainResponse;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.proto.sync.v1.PullResponse;
import java.security.GeneralSecurityException;

/**
 * What a server sends a device, as arbitrary bytes: a page of a pull and a device chain. Each must
 * either pass the checks or be refused with the checks' own exception; anything else thrown (an
 * index out of bounds, an arithmetic overflow, a null) is a crash the fuzzer reports.
 *
 * <p>In a normal test run each harness replays its corpus under {@code src/test/resources} (the
 * seeds and every input that once crashed it); {@code JAZZER_FUZZ=1} fuzzes it (docs/FUZZING.md).
 */
class UntrustedInputFuzzTest {
  private static final byte[] VAULT = LogFixtures.vaultId(1);

  /** A verifier that accepts every signature, so that the fuzzer reaches the rules behind it. */
  private static final PublicKeyVerify ANY_SIGNATURE = (signature, data) -> {};

  private static final DeviceChain.Signatures EVERY_SIGNATURE_VERIFIES =
      new DeviceChain.Signatures() {
        @Override
        public boolean verifiesDevice(
            com.google.protobuf.ByteString keyset, byte[] signature, byte[] data) {
          return true;
        }

        @Override
        public boolean verifiesRecovery(byte[] key, byte[] signature, byte[] data) {
          return true;
        }
      };

  @FuzzTest(maxDuration = "60s")
  void pulledPage_anyBytes_verifiesOrIsRefused(FuzzedDataProvider data) {
    PullResponse page;
    try {
      page = PullResponse.parseFrom(data.consumeRemainingAsBytes());
    } catch (InvalidProtocolBufferException e) {
      return;
    }
    try {
      LogChain.verifyExtends(LogChain.emptyHead(), page.getEntriesList(), VAULT);
    } catch (LogChain.BrokenChainException e) {
      // refused: the property holds
    }
    ChangeSignatureCheck signatures = new ChangeSignatureCheck(VAULT);
    for (LogEntry entry : page.getEntriesList()) {
      try {
        signatures.verify(ANY_SIGNATURE, entry.getChange());
      } catch (GeneralSecurityException e) {
        // refused: the property holds
      }
    }
    try {
      signatures.verifyAll(
          ANY_SIGNATURE, page.getEntriesList().stream().map(LogEntry::getChange).toList());
    } catch (GeneralSecurityException e) {
      // refused: the property holds
    }
  }

  @FuzzTest(maxDuration = "60s")
  void deviceChain_anyBytes_verifiesOrIsRefused(FuzzedDataProvider data) {
    DeviceChainResponse chain;
    try {
      chain = DeviceChainResponse.parseFrom(data.consumeRemainingAsBytes());
    } catch (InvalidProtocolBufferException e) {
      return;
    }
    try {
      DeviceChain.verify(VAULT, chain.getChainList(), EVERY_SIGNATURE_VERIFIES);
    } catch (DeviceChain.BrokenDeviceChainException e) {
      // refused: the property holds
    }
  }
}
