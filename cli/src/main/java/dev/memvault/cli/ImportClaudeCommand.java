package dev.memvault.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** PLACEHOLDER: being implemented in this session. */
@Command(name = "claude", description = {"(being implemented)"})
final class ImportClaudeCommand implements Callable<Integer> {
  @ParentCommand ImportCommand parent;

  @Override
  public Integer call() {
    throw new UnsupportedOperationException("claude is being implemented");
  }
}
