package dev.memvault.cli;

import dev.memvault.core.VaultException;
import dev.memvault.core.grant.ProviderKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    mixinStandardHelpOptions = true,
    name = "keygen",
    description = {
      "Make a provider's key pair: FILE holds the secret key (keep it on your backend, readable",
      "by you only), FILE.pub (acme.key: acme.pub) the public key you give each person who",
      "grants you access. Existing files are never overwritten."
    })
final class ProviderKeygenCommand implements Callable<Integer> {
  @ParentCommand ProviderCommand parent;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "Where to write the secret key, such as acme.key.")
  Path out;

  @Override
  public Integer call() {
    Path publicFile = publicFileOf(out);
    if (Files.exists(out) || Files.exists(publicFile)) {
      throw new VaultException.InvalidInput(
          (Files.exists(out) ? out : publicFile)
              + " exists; memvault never overwrites a key: choose another --out");
    }
    ProviderKey key = ProviderKey.generate();
    write(out, key.format(), true);
    write(publicFile, key.publicKey().format(), false);
    parent
        .root
        .context
        .out()
        .println(
            "wrote "
                + out
                + " (secret: keep it on your backend) and "
                + publicFile
                + " (give it to people who grant you access); fingerprint "
                + key.publicKey().fingerprint());
    return Main.OK;
  }

  static Path publicFileOf(Path secret) {
    String name = secret.getFileName().toString();
    String base = name.endsWith(".key") ? name.substring(0, name.length() - 4) : name;
    return secret.resolveSibling(base + ".pub");
  }

  private static void write(Path file, String text, boolean secret) {
    try {
      Path created = Files.createFile(file);
      if (secret) {
        try {
          Files.setPosixFilePermissions(created, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
          // Windows: the file keeps its directory's access rules.
        }
      }
      Files.writeString(created, text, StandardCharsets.UTF_8);
    } catch (FileAlreadyExistsException e) {
      throw new VaultException.InvalidInput(file + " exists; choose another --out");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
