package dev.memvault.core.meaning;

/**
 * Whether a search ranked by meaning as well as by words, and if not, why not.
 *
 * @param detail for {@link State#UNAVAILABLE}, what went wrong with the model; else empty
 */
public record MeaningUse(State state, String detail) {
  public enum State {
    /** No embedding model is attached to the vault: words only. */
    OFF,
    /** Words and meaning, every live memory indexed for meaning. */
    USED,
    /** Words and meaning, but memories added since the last indexing are found by words only. */
    USED_PARTLY,
    /** No memory is indexed for meaning yet: words only. */
    NOT_INDEXED,
    /** The model could not be loaded or run: words only. */
    UNAVAILABLE
  }

  public static MeaningUse of(State state) {
    return new MeaningUse(state, "");
  }

  /** Whether the search ranked by meaning at all. */
  public boolean used() {
    return state == State.USED || state == State.USED_PARTLY;
  }
}
