package dev.memvault.bench;

import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.portable.provider.ImportOptions;
import dev.memvault.sdk.portable.provider.ImportSummary;
import dev.memvault.sdk.portable.provider.Provider;
import dev.memvault.sdk.portable.provider.ProviderImporter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;

/**
 * The memvault side of the import benchmark, run in its own JVM so that its heap limit (-Xmx256m)
 * and peak heap are its own. Prints one line: {@code messages conversations nanos peakHeapBytes}.
 */
public final class ImportChild {
  private ImportChild() {}

  public static void main(String[] args) {
    Path export = Path.of(args[0]);
    Path vaultDir = Path.of(args[1]);
    try (MemoryVault vault =
        MemoryVault.create(vaultDir, "correct horse battery staple".toCharArray()).vault()) {
      long start = System.nanoTime();
      ImportSummary summary =
          ProviderImporter.run(vault, Provider.CHATGPT, export, ImportOptions.defaults());
      long nanos = System.nanoTime() - start;
      long peakHeap = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          peakHeap += pool.getPeakUsage().getUsed();
        }
      }
      System.out.println(
          summary.messagesAdded()
              + " "
              + summary.conversationsAdded()
              + " "
              + nanos
              + " "
              + peakHeap);
    }
  }
}
