package io.opencdn.launcher;

import io.opencdn.dns.DnsCommand;
import io.opencdn.dns.explain.RouteCommand;
import io.opencdn.edge.EdgeCommand;
import io.opencdn.origin.OriginCommand;
import java.io.IOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ./cdn} command: {@code demo} runs the whole system on loopback; {@code dns}, {@code
 * edge} and {@code origin} run one component each; {@code route} explains a routing decision;
 * {@code stream-key} prints the publish key of live streams; {@code config} publishes and inspects
 * {@code distributions.yaml} versions; {@code explain-request} shows what the edges do with one
 * request.
 */
@Command(
    name = "cdn",
    mixinStandardHelpOptions = true,
    version = "opencdn 0.1.0",
    description = "Geo-DNS and caching edge cluster.",
    subcommands = {
      DemoCommand.class,
      DnsCommand.class,
      EdgeCommand.class,
      OriginCommand.class,
      RouteCommand.class,
      StreamKeyCommand.class,
      io.opencdn.launcher.control.ConfigCommand.class,
      io.opencdn.launcher.control.ExplainRequestCommand.class,
      io.opencdn.launcher.control.StatusLinkCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Cdn implements Runnable {

  /** Set by {@link DemoCommand} for its children: exit when the parent's pipe closes. */
  static final String EXIT_WITH_PARENT = "CDN_EXIT_WITH_PARENT";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    if ("1".equals(System.getenv(EXIT_WITH_PARENT))) {
      exitWhenStdinCloses();
    }
    System.exit(new CommandLine(new Cdn()).execute(args));
  }

  /**
   * A child of {@code ./cdn demo} must not outlive it, even when the demo is killed with SIGKILL.
   */
  private static void exitWhenStdinCloses() {
    Thread t =
        new Thread(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // the parent never writes; EOF means it is gone
                }
              } catch (IOException ignored) {
                // same as EOF
              }
              System.exit(0);
            },
            "parent-watch");
    t.setDaemon(true);
    t.start();
  }
}
