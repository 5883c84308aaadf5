package dev.memvault.core;

/**
 * A request the vault cannot carry out, with a message written for the person using it: one
 * sentence that says what is wrong and, where there is one, what to do about it.
 *
 * <p>Subclasses name the cause so that callers (the CLI, an application) can react without parsing
 * messages. None of them carries key material or memory text.
 */
public class VaultException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public VaultException(String message) {
    super(message);
  }

  public VaultException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The passphrase or recovery key does not open this vault. Nothing was changed. */
  public static final class WrongKey extends VaultException {
    private static final long serialVersionUID = 1L;

    public WrongKey(String message) {
      super(message);
    }
  }

  /** There is no vault where one was expected. */
  public static final class NotFound extends VaultException {
    private static final long serialVersionUID = 1L;

    public NotFound(String message) {
      super(message);
    }
  }

  /** A vault already exists where a new one was to be created. */
  public static final class AlreadyExists extends VaultException {
    private static final long serialVersionUID = 1L;

    public AlreadyExists(String message) {
      super(message);
    }
  }

  /**
   * Stored data failed an integrity check: a damaged or tampered file, or an envelope that does not
   * authenticate. The vault refuses to show anything it cannot vouch for.
   */
  public static final class Corrupt extends VaultException {
    private static final long serialVersionUID = 1L;

    public Corrupt(String message) {
      super(message);
    }

    public Corrupt(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** No memory (or no scope) with the given id or name. */
  public static final class UnknownItem extends VaultException {
    private static final long serialVersionUID = 1L;

    public UnknownItem(String message) {
      super(message);
    }
  }

  /** The caller's input is not acceptable (empty text, a bad scope name, ...). */
  public static final class InvalidInput extends VaultException {
    private static final long serialVersionUID = 1L;

    public InvalidInput(String message) {
      super(message);
    }
  }

  /** A server could not be reached; nothing was lost, and the same call may work later. */
  public static final class Unreachable extends VaultException {
    private static final long serialVersionUID = 1L;

    public Unreachable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * A change is sealed under an epoch key of the vault root key that this device does not hold: its
   * device list is behind (a sync fetches it), or it was revoked and is not given new epochs.
   */
  public static final class KeyEpochUnknown extends VaultException {
    private static final long serialVersionUID = 1L;
    private final int epoch;

    public KeyEpochUnknown(int epoch) {
      super(
          "a change from another device is sealed under key epoch "
              + epoch
              + ", which this device was not given: a device revoked from the vault cannot read"
              + " what is written after its revocation");
      this.epoch = epoch;
    }

    public int epoch() {
      return epoch;
    }
  }
}
