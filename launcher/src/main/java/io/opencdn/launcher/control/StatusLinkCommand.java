package io.opencdn.launcher.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./cdn status-link}: asks an edge for a one-time login link to its status page ({@code POST
 * /_cdn/status/links} with the admin token) and prints it. Opening the link in a browser sets a
 * session cookie; the token itself never goes into a URL.
 */
@Command(
    name = "status-link",
    mixinStandardHelpOptions = true,
    description =
        "Print a one-time login link to an edge's live status page (world map, failovers).")
public final class StatusLinkCommand implements Callable<Integer> {

  /** The edge whose page the demo links to. */
  public static final String DEMO_EDGE = "classpath:demo/edge-us-east.yaml";

  @Option(
      names = "--config",
      paramLabel = "LOCATION",
      defaultValue = DEMO_EDGE,
      description = "the edge's config (default: ${DEFAULT-VALUE})")
  String member;

  @Option(names = "--token", description = "admin token (default: CDN_ADMIN_TOKEN)")
  String token;

  @Override
  public Integer call() {
    try {
      System.out.println(link(member, token));
      return 0;
    } catch (IOException | RuntimeException e) {
      System.err.println("status-link: " + e.getMessage());
      return 1;
    }
  }

  /** A new one-time login link to the status page of the edge configured in {@code location}. */
  public static String link(String location, String token) throws IOException {
    AdminClient admin = AdminClient.of(location, token);
    AdminClient.Answer a = admin.post("/_cdn/status/links", null);
    if (a.status() != 201) {
      throw new IOException(admin.base() + " answered " + a.status() + ": " + a.body().trim());
    }
    return admin
        .base()
        .resolve(new ObjectMapper().readTree(a.body()).path("path").asText())
        .toString();
  }
}
