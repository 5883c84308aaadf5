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

  /** Answers. */
  static final byte UNLOCKED = 'U';

  /** The session ended (expired or locked) before this request: no key follows. */
  static final byte LOCKED = 'X';

  /** The asking process belongs to another user: nothing follows. */
  static final byte REFUSED = 'R';

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
