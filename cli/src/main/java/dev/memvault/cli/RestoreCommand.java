package dev.memvault.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** PLACEHOLDER: being implemented in this session. */
@Command(name = "restore", description = {"(being implemented)"})
final class RestoreCommand implements Callable<Integer> {
  @ParentCommand MemvaultCommand parent;

  @Override
  public Integer call() {
    throw new UnsupportedOperationException("restore is being implemented");
  }
}
