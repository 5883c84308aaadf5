package dev.memvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.server.limits.Limits;
import dev.memvault.server.store.EmbeddedSyncStore;
import dev.memvault.server.store.SyncStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the command refuses before it serves anything, and how it says so. */
class ServerMainTest {
  @TempDir Path temp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(Map<String, String> env, String... args) {
    return ServerMain.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private int run(String... args) {
    return run(Map.of(), args);
  }

  private void assertOneLineError(String expected) {
    String text = err.toString();
    assertTrue(text.startsWith("memvault-server: "), text);
    assertTrue(text.contains(expected), text);
    assertEquals(1, text.strip().lines().count(), text);
    assertEquals("", out.toString());
  }

  @Test
  void listen_anyAddressWithoutTls_refusedWithExit2() {
    int code = run("--data", temp.toString(), "--listen", "0.0.0.0:7443");

    assertEquals(2, code);
    assertOneLineError("refusing to listen on 0.0.0.0:7443 without TLS");
  }

  @Test
  void listen_anyIpv6AddressWithoutTls_refusedWithExit2() {
    assertEquals(2, run("--data", temp.toString(), "--listen", "[::]:7443"));
    assertOneLineError("without TLS");
  }

  @Test
  void dataAndPostgres_refusedWithExit2() {
    assertEquals(
        2, run("--data", temp.toString(), "--postgres", "jdbc:postgresql://localhost/memvault"));
    assertOneLineError("either --data or --postgres");
  }

  @Test
  void rateZeroOrNegative_refusedWithExit2() {
    assertEquals(2, run("--data", temp.toString(), "--rate", "0"));
    assertOneLineError("--rate must be positive, not 0");
    assertEquals(2, run("--data", temp.toString(), "--rate-burst", "-5"));
  }

  @Test
  void capOrAllowanceZero_refusedWithExit2NamingTheFlag() {
    for (String flag :
        new String[] {
          "--max-vaults",
          "--max-storage-mib",
          "--max-pairings-per-device",
          "--max-push-streams-per-device",
          "--registrations-per-hour",
          "--recovery-calls-per-hour",
          "--pairing-calls-per-minute"
        }) {
      err.getBuffer().setLength(0);

      assertEquals(2, run("--data", temp.toString(), flag, "0"), flag);
      assertOneLineError(flag + " must be positive, not 0");
    }
  }

  @Test
  void storageMibPastLongRange_refusedWithExit2() {
    assertEquals(
        2, run("--data", temp.toString(), "--max-storage-mib", String.valueOf(Long.MAX_VALUE)));
    assertOneLineError("--max-storage-mib are too large");
  }

  @Test
  void pushBufferZero_refusedWithExit2() {
    assertEquals(2, run("--data", temp.toString(), "--push-buffer", "0"));
    assertOneLineError("--push-buffer must be positive, not 0");
  }

  @Test
  void tlsCertWithoutKey_refusedWithExit2() {
    assertEquals(2, run("--data", temp.toString(), "--tls-cert", temp.resolve("c.pem").toString()));
    assertOneLineError("--tls-cert and --tls-key go together");
  }

  @Test
  void tlsFilesMissing_failsWithExit1() {
    int code =
        run(
            "--data",
            temp.toString(),
            "--tls-cert",
            temp.resolve("missing-cert.pem").toString(),
            "--tls-key",
            temp.resolve("missing-key.pem").toString());

    assertEquals(1, code);
    assertOneLineError("cannot read the TLS certificate or key");
  }

  @Test
  void postgresWithoutSharedSecret_refusedWithExit2BeforeConnecting() {
    assertEquals(2, run("--postgres", "jdbc:postgresql://127.0.0.1:1/nowhere"));
    assertOneLineError("MEMVAULT_SERVER_SECRET");
  }

  @Test
  void listenNotHostPort_refusedWithExit2() {
    assertEquals(2, run("--data", temp.toString(), "--listen", "7443"));
    assertOneLineError("--listen must be HOST:PORT");
  }

  @Test
  void dataDirectoryInUse_failsWithExit1() {
    SyncStore holder = EmbeddedSyncStore.open(temp, Limits.DEFAULTS.storeLimits());
    try {
      assertEquals(1, run("--data", temp.toString(), "--listen", "127.0.0.1:0"));
    } finally {
      holder.close();
    }
    assertOneLineError("already open");
  }

  @Test
  void data_ofANewerSchemaThanThisServer_refusedWithExit1SayingRunANewerServer() throws Exception {
    EmbeddedSyncStore.open(temp, Limits.DEFAULTS.storeLimits()).close();
    int newer;
    try (Connection database =
            DriverManager.getConnection("jdbc:sqlite:" + temp.resolve("sync.db"));
        Statement statement = database.createStatement()) {
      try (ResultSet version = statement.executeQuery("PRAGMA user_version")) {
        newer = version.getInt(1) + 1;
      }
      statement.execute("PRAGMA user_version = " + newer); // as a newer server would leave it
    }

    assertEquals(1, run("--data", temp.toString(), "--listen", "127.0.0.1:0"));
    assertOneLineError(
        "has schema version "
            + newer
            + ", newer than this server understands ("
            + (newer - 1)
            + "); run a newer memvault server");
  }

  @Test
  void listen_portInUse_failsWithExit1NamingTheAddress() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String listen = "127.0.0.1:" + taken.getLocalPort();

      assertEquals(1, run("--data", temp.toString(), "--listen", listen));
      assertOneLineError("cannot listen on " + listen + ": ");
    }
  }

  @Test
  void serverId_otherThanTheStoreKeeps_refusedWithExit2NamingTheKeptOne() {
    try (SyncStore first = EmbeddedSyncStore.open(temp, Limits.DEFAULTS.storeLimits())) {
      first.serverIdentity("127.0.0.1:17501");
    }

    int code =
        run("--data", temp.toString(), "--listen", "127.0.0.1:0", "--server-id", "another:7443");

    assertEquals(2, code);
    assertOneLineError("this store belongs to server identity '127.0.0.1:17501'");
  }

  @Test
  void help_printsUsageAndExits0() {
    assertEquals(0, run("--help"));
    assertTrue(out.toString().contains("--insecure"), out.toString());
    assertTrue(out.toString().contains("--max-vaults"), out.toString());
    assertTrue(out.toString().contains("--limit-loopback"), out.toString());
    String words = out.toString().replaceAll("\\s+", " ");
    assertTrue(words.contains("forwarded-for headers are not trusted"), out.toString());
  }
}
