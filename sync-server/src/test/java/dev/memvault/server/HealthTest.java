package dev.memvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The standard gRPC health service: SERVING while up, NOT_SERVING once shutdown begins. */
class HealthTest {
  @RegisterExtension final ServerFixture fixture = new ServerFixture();

  @Test
  void check_started_servingForServerAndEachService() {
    fixture.server();
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(fixture.channel());

    for (String service : SyncServer.HEALTH_NAMES) {
      assertEquals(
          ServingStatus.SERVING,
          health.check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus(),
          service);
    }
  }

  @Test
  void watch_shutdownBegins_notServing() throws Exception {
    fixture.server();
    BlockingQueue<ServingStatus> statuses = new LinkedBlockingQueue<>();
    HealthGrpc.newStub(fixture.channel())
        .watch(
            HealthCheckRequest.getDefaultInstance(),
            new StreamObserver<HealthCheckResponse>() {
              @Override
              public void onNext(HealthCheckResponse response) {
                statuses.add(response.getStatus());
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            });
    assertEquals(ServingStatus.SERVING, statuses.poll(30, TimeUnit.SECONDS));

    // close() waits out the grace period for this very stream: run it aside.
    Thread closing = new Thread(fixture.server()::close);
    closing.start();

    assertEquals(ServingStatus.NOT_SERVING, statuses.poll(30, TimeUnit.SECONDS));
    closing.join(TimeUnit.SECONDS.toMillis(30));
  }
}
