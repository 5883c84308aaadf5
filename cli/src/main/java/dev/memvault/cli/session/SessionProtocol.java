package dev.memvault.cli.session;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Instant;

/**
 * What a command and the session agent say over the agent's socket: one request (a version byte and
 * an operation byte), one answer (a state byte, the expiry in epoch milliseconds, the agent's
 * process id) followed, for a key request while unlocked, by the key's bytes. Fixed-size binary
 * fields only: the key is never text.
 */
final class SessionProtocol {
  static final byte VERSION = 1;

  /** Requests. */
  static final byte KEY = 'K';

  static final byte STATUS = 'S';
  static final byte LOCK = 'L';

  /**
   * Run a read-only command ({@link CommandRequest} follows) in the agent and stream its output
   * back as frames: a tag ({@link #OUT}, {@link #ERR}), a length and the bytes; then {@link #EXIT}
   * and the exit code.
   */
  static final byte RUN = 'C';

  static final byte OUT = 1;
  static final byte ERR = 2;
  static final byte EXIT = 0;

  /** Answers. */
  static final byte UNLOCKED = 'U';

  /** The session ended (expired or locked) before this request: no key follows. */
  static final byte LOCKED = 'X';

  /** The asking process belongs to another user: nothing follows. */
  static final byte REFUSED = 'R';

  /** A command runs already, or this one is not for this agent's vault: run it yourself. */
  static final byte DECLINED = 'D';

  /** Printed by the agent's process once it listens (SessionAgentProcess waits for it). */
  static final String READY = "ready";

  private SessionProtocol() {}

  /** The state line of every answer. */
  record Answer(byte state, Instant expiresAt, long agentPid) {
    void writeTo(DataOutputStream out) throws IOException {
      out.writeByte(state);
      out.writeLong(expiresAt.toEpochMilli());
      out.writeLong(agentPid);
    }

    static Answer readFrom(DataInputStream in) throws IOException {
      byte state = in.readByte();
      return new Answer(state, Instant.ofEpochMilli(in.readLong()), in.readLong());
    }
  }
}
