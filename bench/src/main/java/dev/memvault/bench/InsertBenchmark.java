package dev.memvault.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Adds the same documents to several stores in the same batches, one transaction per batch, taking
 * turns batch by batch so that load elsewhere on the machine and the state of the page cache affect
 * every store alike. Only the write of a batch is timed; generating the documents and building each
 * store's input are not.
 */
final class InsertBenchmark {
  /**
   * The timings of one store: wall-clock time per batch, the CPU time the writing thread spent
   * (SQLite runs in that thread; CPU time is less disturbed by other load on the machine, but
   * leaves out waiting for the disk), and the CPU time of the whole process during the batch (with
   * the threads memvault seals records on, and the JVM's GC and compiler threads).
   */
  record Result(
      String name,
      long rows,
      long textBytes,
      Samples batchNanos,
      Samples cpuNanos,
      Samples processCpuNanos) {
    double rowsPerSecond() {
      return rows * 1e9 / batchNanos.total();
    }

    double cpuMicrosPerRow() {
      return cpuNanos.total() / 1e3 / rows;
    }

    double processCpuMicrosPerRow() {
      return processCpuNanos.total() / 1e3 / rows;
    }

    double textMegabytesPerSecond() {
      return textBytes / 1e6 / (batchNanos.total() / 1e9);
    }
  }

  private InsertBenchmark() {}

  /**
   * @param firstDocument index of the first corpus document to add
   * @param progress whether to report progress on standard error
   */
  static List<Result> run(
      List<? extends Store> stores,
      Corpus corpus,
      long firstDocument,
      int count,
      int batchSize,
      boolean progress)
      throws SQLException {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    OperatingSystemMXBean process =
        (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    List<Samples> samples = new ArrayList<>();
    List<Samples> cpu = new ArrayList<>();
    List<Samples> processCpu = new ArrayList<>();
    for (int i = 0; i < stores.size(); i++) {
      samples.add(new Samples());
      cpu.add(new Samples());
      processCpu.add(new Samples());
    }
    long textBytes = 0;
    int batches = (count + batchSize - 1) / batchSize;
    long started = System.nanoTime();
    for (int batch = 0; batch < batches; batch++) {
      int size = Math.min(batchSize, count - batch * batchSize);
      List<Corpus.Document> documents = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        Corpus.Document document = corpus.document(firstDocument + (long) batch * batchSize + i);
        documents.add(document);
        textBytes += document.text().getBytes(StandardCharsets.UTF_8).length;
      }
      List<Store.Batch> prepared = new ArrayList<>();
      for (Store store : stores) {
        prepared.add(store.prepare(documents));
      }
      for (int turn = 0; turn < stores.size(); turn++) {
        int which = (batch + turn) % stores.size();
        long processCpuStart = process.getProcessCpuTime();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        prepared.get(which).write();
        samples.get(which).add(System.nanoTime() - start);
        cpu.get(which).add(threads.getCurrentThreadCpuTime() - cpuStart);
        processCpu.get(which).add(process.getProcessCpuTime() - processCpuStart);
      }
      if (progress && (batch + 1) % 10 == 0) {
        System.err.printf(
            "  added %d/%d to each store (%.0f s)%n",
            (long) (batch + 1) * batchSize, count, (System.nanoTime() - started) / 1e9);
      }
    }
    List<Result> results = new ArrayList<>();
    for (int i = 0; i < stores.size(); i++) {
      results.add(
          new Result(
              stores.get(i).name(),
              count,
              textBytes,
              samples.get(i),
              cpu.get(i),
              processCpu.get(i)));
    }
    return results;
  }
}
