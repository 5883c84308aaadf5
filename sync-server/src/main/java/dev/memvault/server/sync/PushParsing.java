package dev.memvault.server.sync;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.memvault.proto.sync.v1.PushRequest;
import dev.memvault.proto.sync.v1.SyncServiceGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;

/**
 * Parses pushed batches from the network stream as it reads them, instead of gRPC's default of
 * reading each message into one array first: no call thread allocates a buffer the size of a batch
 * (about 600 KB for 500 changes), which G1 would treat as a humongous object, each one starting a
 * concurrent marking cycle (docs/PERFORMANCE.md).
 *
 * <p>Bytes that are not a push become {@link #MALFORMED}, which the service refuses with
 * INVALID_ARGUMENT MALFORMED_MESSAGE: an exception thrown while parsing would reach the client as
 * gRPC's UNKNOWN "Application error processing RPC".
 */
public final class PushParsing {
  private static final Set<String> PUSH_METHODS =
      Set.of(
          SyncServiceGrpc.getPushMethod().getFullMethodName(),
          SyncServiceGrpc.getPushStreamMethod().getFullMethodName());

  private static final MethodDescriptor.Marshaller<PushRequest> WIRE =
      ProtoUtils.marshaller(PushRequest.getDefaultInstance());

  /** What a request that does not parse becomes; compared by identity. */
  public static final PushRequest MALFORMED = PushRequest.newBuilder().build();

  private PushParsing() {}

  /** {@code service} with its push methods parsing requests as they stream in. */
  public static ServerServiceDefinition streaming(ServerServiceDefinition service) {
    ServerServiceDefinition.Builder builder =
        ServerServiceDefinition.builder(service.getServiceDescriptor().getName());
    for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
      builder.addMethod(parsedAsStreamedIfPush(method));
    }
    return builder.build();
  }

  @SuppressWarnings("unchecked") // the push methods take PushRequest
  private static <Q, R> ServerMethodDefinition<Q, R> parsedAsStreamedIfPush(
      ServerMethodDefinition<Q, R> method) {
    MethodDescriptor<Q, R> descriptor = method.getMethodDescriptor();
    if (!PUSH_METHODS.contains(descriptor.getFullMethodName())) {
      return method;
    }
    MethodDescriptor.Marshaller<Q> requests = (MethodDescriptor.Marshaller<Q>) STREAMED;
    return ServerMethodDefinition.create(
        descriptor.toBuilder(requests, descriptor.getResponseMarshaller()).build(),
        method.getServerCallHandler());
  }

  private static final MethodDescriptor.Marshaller<PushRequest> STREAMED =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(PushRequest value) {
          return WIRE.stream(value);
        }

        @Override
        public PushRequest parse(InputStream stream) {
          try {
            return PushRequest.parseFrom(stream);
          } catch (InvalidProtocolBufferException e) {
            return MALFORMED;
          } catch (IOException e) {
            throw Status.INTERNAL
                .withDescription("cannot read the message")
                .withCause(e)
                .asRuntimeException();
          }
        }
      };
}
