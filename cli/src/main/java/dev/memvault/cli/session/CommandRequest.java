package dev.memvault.cli.session;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A read-only command a process hands to its vault's session agent to run ({@link
 * SessionProtocol#RUN}): the vault's directory (absolute), whether the asking process writes to a
 * terminal, its command line without {@code --vault} and the part of its environment that shapes
 * output. Bounded in every dimension, so that a peer cannot make the agent hold much.
 */
record CommandRequest(
    String vaultDirectory, boolean terminal, List<String> args, Map<String, String> environment) {
  private static final int MAX_STRINGS = 256;
  private static final int MAX_STRING_BYTES = 64 * 1024;

  CommandRequest {
    args = List.copyOf(args);
    environment = Map.copyOf(environment);
  }

  void writeTo(DataOutputStream out) throws IOException {
    writeString(out, vaultDirectory);
    out.writeBoolean(terminal);
    out.writeInt(args.size());
    for (String arg : args) {
      writeString(out, arg);
    }
    out.writeInt(environment.size());
    for (Map.Entry<String, String> variable : environment.entrySet()) {
      writeString(out, variable.getKey());
      writeString(out, variable.getValue());
    }
    out.flush();
  }

  static CommandRequest readFrom(DataInputStream in) throws IOException {
    String directory = readString(in);
    boolean terminal = in.readBoolean();
    int argCount = count(in);
    List<String> args = new ArrayList<>(argCount);
    for (int i = 0; i < argCount; i++) {
      args.add(readString(in));
    }
    int variableCount = count(in);
    Map<String, String> environment = new LinkedHashMap<>();
    for (int i = 0; i < variableCount; i++) {
      environment.put(readString(in), readString(in));
    }
    return new CommandRequest(directory, terminal, args, environment);
  }

  private static int count(DataInputStream in) throws IOException {
    int count = in.readInt();
    if (count < 0 || count > MAX_STRINGS) {
      throw new IOException("too many strings in a command request: " + count);
    }
    return count;
  }

  private static void writeString(DataOutputStream out, String value) throws IOException {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static String readString(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > MAX_STRING_BYTES) {
      throw new IOException("a string of " + length + " bytes in a command request");
    }
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}
