package io.vcanokey.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code canokey} command: {@code serve} runs a key, {@code qemu} runs QEMU with a key. */
@Command(
    name = "canokey",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "A virtual CanoKey security key that QEMU guests see as a USB device.",
    subcommands = {ServeCommand.class, QemuCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, for tests. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setUsageHelpWidth(100);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("canokey: " + describe(e));
          return 1;
        });
    return cli;
  }

  /** A one-line explanation of a failure for the user: what failed, on which file, and why. */
  static String describe(Throwable e) {
    if (e instanceof NoSuchFileException f) {
      return f.getFile() + ": no such file or directory";
    }
    if (e instanceof AccessDeniedException f) {
      return f.getFile() + ": permission denied";
    }
    if (e instanceof FileSystemException f) {
      return f.getFile() + ": " + (f.getReason() != null ? f.getReason() : "file system error");
    }
    String message = e.getMessage();
    return message != null && !message.isBlank()
        ? message
        : e.getClass().getSimpleName() + " (see --debug)";
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"vcanokey " + (version == null ? "development build" : version)};
    }
  }
}
