package dev.memvault.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** PLACEHOLDER: being implemented in this session. */
@Command(name = "markdown", description = {"(being implemented)"})
final class ExportMarkdownCommand implements Callable<Integer> {
  @ParentCommand ExportCommand parent;

  @Override
  public Integer call() {
    throw new UnsupportedOperationException("markdown is being implemented");
  }
}
