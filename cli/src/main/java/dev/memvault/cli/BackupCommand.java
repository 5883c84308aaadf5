package dev.memvault.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** PLACEHOLDER: being implemented in this session. */
@Command(name = "backup", description = {"(being implemented)"})
final class BackupCommand implements Callable<Integer> {
  @ParentCommand MemvaultCommand parent;

  @Override
  public Integer call() {
    throw new UnsupportedOperationException("backup is being implemented");
  }
}
