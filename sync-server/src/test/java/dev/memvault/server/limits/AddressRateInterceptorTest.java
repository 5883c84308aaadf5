package dev.memvault.server.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.memvault.server.metrics.ServerMetrics;
import io.grpc.inprocess.InProcessSocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which address a caller counts under. */
class AddressRateInterceptorTest {
  private final AddressRateInterceptor byDefault = interceptor(Limits.DEFAULTS);
  private final AddressRateInterceptor loopbackLimited =
      interceptor(Limits.builder().limitLoopback(true).build());

  private static AddressRateInterceptor interceptor(Limits limits) {
    return new AddressRateInterceptor(limits, Clock.systemUTC(), new ServerMetrics());
  }

  private static Optional<InetAddress> source(AddressRateInterceptor interceptor, String host)
      throws Exception {
    return interceptor.source(new InetSocketAddress(InetAddress.getByName(host), 4000));
  }

  @Test
  void source_ipv6_countsByItsSlash64() throws Exception {
    Optional<InetAddress> one = source(byDefault, "2001:db8:1:2::1");

    assertEquals(one, source(byDefault, "2001:db8:1:2:ffff:ffff:ffff:ffff"));
    assertNotEquals(one, source(byDefault, "2001:db8:1:3::1"));
    assertEquals(Optional.of(InetAddress.getByName("2001:db8:1:2::")), one);
  }

  @Test
  void source_ipv4_eachAddressApart() throws Exception {
    assertEquals(Optional.of(InetAddress.getByName("192.0.2.7")), source(byDefault, "192.0.2.7"));
    assertNotEquals(source(byDefault, "192.0.2.7"), source(byDefault, "192.0.2.8"));
  }

  @Test
  void source_loopbackOrInProcess_exemptUnlessLoopbackLimited() throws Exception {
    assertEquals(Optional.empty(), source(byDefault, "127.0.0.1"));
    assertEquals(Optional.empty(), source(byDefault, "::1"));
    assertEquals(Optional.empty(), byDefault.source(new InProcessSocketAddress("test")));

    assertEquals(
        Optional.of(InetAddress.getByName("127.0.0.2")), source(loopbackLimited, "127.0.0.2"));
    assertEquals(
        Optional.of(InetAddress.getLoopbackAddress()),
        loopbackLimited.source(new InProcessSocketAddress("test")));
  }
}
