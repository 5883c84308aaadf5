package dev.memvault.server.store;

import dev.memvault.proto.sync.v1.Head;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * A {@link SyncStore} in files under one data directory (the server's {@code --data DIR}): one
 * SQLite database, {@value #DATABASE_FILE}, in WAL mode with {@code synchronous=FULL}, so an append
 * that returned is on disk and one that was cut off by a crash left no trace.
 *
 * <p>One process owns the directory: opening takes an exclusive lock on {@value #LOCK_FILE} and
 * fails at once if another store, in this process or another, holds it. Subscribers therefore hear
 * of every append, since every append goes through this object.
 *
 * <p>One database for all vaults rather than one per vault: SQLite commits one transaction at a
 * time per file either way, and each commit waits for its fsync, so separate files would buy
 * parallel commits only, at the cost of a schema, a WAL and open files per vault. Instead, writes
 * that queue up while one commits are committed together (group commit, {@link #inTransaction}). A
 * deployment that outgrows one writer uses {@link PostgresSyncStore}.
 */
public final class EmbeddedSyncStore extends JdbcSyncStore {
  static final String DATABASE_FILE = "sync.db";
  static final String LOCK_FILE = "sync.lock";
  static final int READERS = 4;

  /** Data directories open in this process; a second FileChannel could drop the first's lock. */
  private static final Set<Path> OPEN_DIRECTORIES = ConcurrentHashMap.newKeySet();

  private final Path directory;
  private final FileChannel lockChannel;
  private final ReentrantLock writing = new ReentrantLock();
  private final List<QueuedWork<?>> queue = new ArrayList<>();
  private final Connection writer;
  private final BlockingQueue<Connection> readers = new ArrayBlockingQueue<>(READERS);
  private volatile boolean closed;

  private EmbeddedSyncStore(
      Path directory, FileChannel lockChannel, Connection writer, StoreLimits limits) {
    super(limits);
    this.directory = directory;
    this.lockChannel = lockChannel;
    this.writer = writer;
  }

  /**
   * Opens the store in {@code dataDirectory}, creating the directory and the database if needed and
   * bringing the schema up to date.
   *
   * @throws IllegalStateException if another store holds the directory
   * @throws StoreException if the files cannot be created, read or migrated
   */
  public static EmbeddedSyncStore open(Path dataDirectory, StoreLimits limits) {
    Path directory;
    try {
      Files.createDirectories(dataDirectory);
      directory = dataDirectory.toRealPath();
    } catch (IOException e) {
      throw new StoreException("cannot create the data directory " + dataDirectory, e);
    }
    if (!OPEN_DIRECTORIES.add(directory)) {
      throw new IllegalStateException(
          "the data directory " + directory + " is already open in this process");
    }
    FileChannel lockChannel = null;
    List<Connection> opened = new ArrayList<>();
    try {
      lockChannel = lock(directory);
      String url = "jdbc:sqlite:" + directory.resolve(DATABASE_FILE);
      Connection writer = connect(url, opened);
      SchemaMigration migration = EmbeddedSchema.migrate(writer);
      EmbeddedSyncStore store = new EmbeddedSyncStore(directory, lockChannel, writer, limits);
      store.migrated(migration);
      for (int i = 0; i < READERS; i++) {
        Connection reader = connect(url, opened);
        try (Statement statement = reader.createStatement()) {
          statement.execute("PRAGMA query_only = 1");
        }
        store.readers.add(reader);
      }
      return store;
    } catch (SQLException | IOException | RuntimeException e) {
      for (Connection connection : opened) {
        closeQuietly(connection);
      }
      if (lockChannel != null) {
        try {
          lockChannel.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      OPEN_DIRECTORIES.remove(directory);
      if (e instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new StoreException("cannot open the sync database in " + directory, e);
    }
  }

  private static FileChannel lock(Path directory) throws IOException {
    Path lockFile = directory.resolve(LOCK_FILE);
    FileChannel channel =
        FileChannel.open(
            lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      String holder;
      try {
        holder = Files.readString(lockFile, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        holder = "";
      } finally {
        channel.close();
      }
      throw new IllegalStateException(
          "the data directory "
              + directory
              + " is in use by another memvault sync server"
              + (holder.isEmpty() ? "" : " (process " + holder + ")")
              + "; stop it, or give this server another --data directory");
    }
    // Tells whoever finds the directory locked which process to look for.
    channel.truncate(0);
    channel.write(
        ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)),
        0);
    return channel;
  }

  private static Connection connect(String url, List<Connection> opened) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.enforceForeignKeys(true);
    config.setBusyTimeout(10_000);
    // Group commit runs each queued work in a savepoint: its journal stays in memory, never on
    // disk, at the cost of a copy of the pages it touches, at most a transaction's worth
    // (docs/PERFORMANCE.md).
    config.setTempStore(SQLiteConfig.TempStore.MEMORY);
    // A dropped payload (a superseded or forgotten revision) is overwritten with zeros in the
    // database file, not left in a free page for whoever later reads the file.
    config.setPragma(SQLiteConfig.Pragma.SECURE_DELETE, "true");
    Connection connection = DriverManager.getConnection(url, config.toProperties());
    opened.add(connection);
    return connection;
  }

  /** The directory this store keeps its files in. */
  public Path directory() {
    return directory;
  }

  /**
   * Runs {@code work} in a write transaction, committed with the work of any other threads that
   * queued theirs meanwhile (group commit). Writes take turns on the one connection, so with many
   * devices pushing at once most of them wait for the lock; whoever gets it runs every queued work,
   * each inside a savepoint of its own, and commits them all with one fsync. A work that fails is
   * rolled back to its savepoint alone and its caller gets the failure; the others commit.
   */
  /** This process holds the directory's lock, and writes take turns on one connection. */
  @Override
  boolean soleWriter() {
    return true;
  }

  @Override
  <T> T inTransaction(String what, SqlWork<T> work) {
    QueuedWork<T> mine = new QueuedWork<>(what, work);
    synchronized (queue) {
      queue.add(mine);
    }
    writing.lock();
    try {
      if (!mine.done) {
        List<QueuedWork<?>> group;
        synchronized (queue) {
          group = new ArrayList<>(queue);
          queue.clear();
        }
        commitTogether(group);
      }
    } finally {
      writing.unlock();
    }
    return mine.outcome();
  }

  /** Works queued and not yet taken by a transaction (for tests of group commit). */
  int queuedWorks() {
    synchronized (queue) {
      return queue.size();
    }
  }

  /** A caller's work, and what became of it; written and read under {@link #writing}. */
  private static final class QueuedWork<T> {
    final String what;
    final SqlWork<T> work;
    boolean done;
    T result;
    RuntimeException failure;

    QueuedWork(String what, SqlWork<T> work) {
      this.what = what;
      this.work = work;
    }

    void run(Connection connection) throws SQLException {
      result = work.run(connection);
    }

    T outcome() {
      if (failure != null) {
        throw failure;
      }
      return result;
    }
  }

  private void commitTogether(List<QueuedWork<?>> group) {
    try {
      checkOpen();
    } catch (RuntimeException e) {
      failAll(group, e);
      return;
    }
    boolean alone = group.size() == 1;
    try (Statement statement = writer.createStatement()) {
      // IMMEDIATE: take the write lock before reading the head the append chains from.
      statement.execute("BEGIN IMMEDIATE");
      try {
        for (QueuedWork<?> queued : group) {
          if (alone) {
            queued.run(writer); // a failure rolls the whole transaction back, below
            continue;
          }
          statement.execute("SAVEPOINT queued_work");
          try {
            queued.run(writer);
          } catch (SQLException | RuntimeException e) {
            statement.execute("ROLLBACK TO queued_work");
            queued.failure = failure(queued.what, e);
            queued.done = true;
          }
          statement.execute("RELEASE queued_work");
        }
        statement.execute("COMMIT");
      } catch (SQLException | RuntimeException e) {
        try {
          statement.execute("ROLLBACK");
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
      for (QueuedWork<?> queued : group) {
        queued.done = true;
      }
    } catch (SQLException | RuntimeException e) {
      for (QueuedWork<?> queued : group) {
        if (!queued.done) {
          queued.failure = failure(queued.what, e);
          queued.done = true;
        }
      }
    }
  }

  private RuntimeException failure(String what, Exception e) {
    return e instanceof RuntimeException runtime
        ? runtime
        : new StoreException("cannot " + what + " in " + directory, e);
  }

  private static void failAll(List<QueuedWork<?>> group, RuntimeException e) {
    for (QueuedWork<?> queued : group) {
      queued.failure = e;
      queued.done = true;
    }
  }

  @Override
  <T> T reading(String what, SqlWork<T> work) {
    checkOpen();
    Connection reader;
    try {
      // Polls, not take(): close() may drain the pool after this thread's check above.
      while ((reader = readers.poll(1, TimeUnit.SECONDS)) == null) {
        checkOpen();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting to " + what, e);
    }
    try {
      return work.run(reader);
    } catch (SQLException e) {
      throw new StoreException("cannot " + what + " in " + directory, e);
    } finally {
      readers.add(reader);
    }
  }

  @Override
  Optional<VaultHead> lockHead(Connection connection, byte[] vaultId) throws SQLException {
    // The transaction is BEGIN IMMEDIATE on the only writing connection: already exclusive.
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT head_seq, head_hash, stored_bytes FROM vaults WHERE vault_id = ?")) {
      select.setBytes(1, vaultId);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next()
            ? Optional.of(new VaultHead(rows.getLong(1), rows.getBytes(2), rows.getLong(3)))
            : Optional.empty();
      }
    }
  }

  @Override
  void updateHead(Connection connection, byte[] vaultId, Head head, long storedBytes)
      throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE vaults SET head_seq = ?, head_hash = ?, stored_bytes = ? WHERE vault_id = ?")) {
      update.setLong(1, head.getSeq());
      update.setBytes(2, head.getEntryHash().toByteArray());
      update.setLong(3, storedBytes);
      update.setBytes(4, vaultId);
      update.executeUpdate();
    }
  }

  @Override
  void afterCommit(Appended appended) {
    listeners.publish(appended);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the sync store in " + directory + " is closed");
    }
  }

  /** Waits for running operations, closes the database and releases the directory. */
  @Override
  public void close() {
    writing.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      for (int i = 0; i < READERS; i++) {
        Connection reader = readers.poll(30, TimeUnit.SECONDS);
        if (reader != null) {
          closeQuietly(reader);
        }
      }
      closeQuietly(writer);
      lockChannel.close(); // releases the lock
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      throw new StoreException("cannot release the lock on " + directory, e);
    } finally {
      OPEN_DIRECTORIES.remove(directory);
      writing.unlock();
    }
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // Closing on the way out: nothing left to do about it.
    }
  }
}
