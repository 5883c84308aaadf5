package dev.memvault.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** PLACEHOLDER: being implemented in this session. */
@Command(name = "chatgpt", description = {"(being implemented)"})
final class ImportChatGptCommand implements Callable<Integer> {
  @ParentCommand ImportCommand parent;

  @Override
  public Integer call() {
    throw new UnsupportedOperationException("chatgpt is being implemented");
  }
}
