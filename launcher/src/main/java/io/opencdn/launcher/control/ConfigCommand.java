package io.opencdn.launcher.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opencdn.common.config.ConfigException;
import io.opencdn.common.distribution.DistributionsDocument;
import io.opencdn.common.distribution.DistributionsParser;
import io.opencdn.common.distribution.Problems;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ./cdn config}: the control plane of {@code distributions.yaml}. {@code apply FILE}
 * validates the document here (every mistake as {@code FILE:LINE: key 'PATH': ...}, exit 1, nothing
 * sent), then publishes it through a member's admin API (exit 0 once the version is current in the
 * cluster); {@code status}, {@code diff A B}, {@code rollback [VERSION]}, {@code show [VERSION]} (a
 * kept version's text, default the current one, ready to edit and apply).
 */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Publish and inspect distributions.yaml versions.",
    subcommands = {
      ConfigCommand.Apply.class,
      ConfigCommand.Status.class,
      ConfigCommand.Diff.class,
      ConfigCommand.Rollback.class,
      ConfigCommand.Show.class
    })
public final class ConfigCommand implements Runnable {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(
      names = "--config",
      paramLabel = "LOCATION",
      scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "a cluster member's config (file or classpath:NAME); default: the demo's edges")
  String member;

  @Option(
      names = "--token",
      scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "admin token (default: CDN_ADMIN_TOKEN, else the member config's adminToken)")
  String token;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  AdminClient client() {
    return AdminClient.of(member, token);
  }

  /** Runs {@code body}, turning unreachable members and config errors into exit 2. */
  static int guarded(Callable<Integer> body) {
    try {
      return body.call();
    } catch (ConfigException e) {
      System.err.println("config: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      System.err.println("config: no member answered: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      System.err.println("config: " + e);
      return 2;
    }
  }

  static int failed(AdminClient.Answer a, PrintStream err) throws IOException {
    JsonNode n = JSON.readTree(a.body().isEmpty() ? "{}" : a.body());
    if (n.has("errors")) {
      n.get("errors").forEach(e -> err.println(e.asText()));
    } else {
      err.println("config: " + a.status() + " " + n.path("error").asText(a.body()));
    }
    return a.status() == 422 ? 1 : 2;
  }

  @Command(
      name = "apply",
      mixinStandardHelpOptions = true,
      description = "Validate FILE and publish it as the current version.")
  static final class Apply implements Callable<Integer> {
    @ParentCommand ConfigCommand parent;

    @Parameters(paramLabel = "FILE")
    Path file;

    @Option(names = "--message", paramLabel = "TEXT", description = "what this version changes")
    String message;

    @Override
    public Integer call() {
      return guarded(
          () -> {
            DistributionsDocument doc;
            try {
              doc = DistributionsParser.load(file);
            } catch (Problems.DocumentException e) {
              e.problems().forEach(System.err::println);
              System.err.println(
                  "config: " + e.problems().size() + " problem(s); nothing published");
              return 1;
            }
            AdminClient.Answer a =
                parent
                    .client()
                    .post(
                        "/_cdn/config?source="
                            + AdminClient.encode(file.toString())
                            + (message == null ? "" : "&message=" + AdminClient.encode(message)),
                        Files.readString(file));
            if (a.status() != 200) {
              return failed(a, System.err);
            }
            JsonNode v = JSON.readTree(a.body());
            System.out.println(
                "published version "
                    + v.path("version").asText()
                    + " (#"
                    + v.path("seq").asLong()
                    + ")"
                    + (v.path("version").asText().equals(doc.hash())
                        ? ""
                        : " [server hash differs: " + doc.hash() + "]"));
            return 0;
          });
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Each member, the version it runs and since when.")
  static final class Status implements Callable<Integer> {
    @ParentCommand ConfigCommand parent;

    @Override
    public Integer call() {
      return guarded(
          () -> {
            AdminClient.Answer a = parent.client().get("/_cdn/config");
            if (a.status() != 200) {
              return failed(a, System.err);
            }
            JsonNode s = JSON.readTree(a.body());
            JsonNode c = s.path("current");
            System.out.println(
                c.isMissingNode() || c.isNull()
                    ? "current: none published (members run their own files)"
                    : "current: "
                        + c.path("version").asText()
                        + " (#"
                        + c.path("seq").asLong()
                        + ", "
                        + Instant.ofEpochMilli(c.path("time").asLong())
                        + ") "
                        + c.path("message").asText());
            System.out.printf(
                "%-24s %-5s %-12s %-24s %s%n", "MEMBER", "KIND", "VERSION", "SINCE", "PROBLEM");
            for (JsonNode m : s.path("members")) {
              System.out.printf(
                  "%-24s %-5s %-12s %-24s %s%n",
                  m.path("member").asText(),
                  m.path("kind").asText(),
                  m.path("version").asText(),
                  Instant.ofEpochMilli(m.path("since").asLong()),
                  m.path("error").isNull() ? "" : m.path("error").asText());
            }
            System.out.println("versions (newest first):");
            for (JsonNode v : s.path("versions")) {
              System.out.printf(
                  "  %s #%-4d %s %s%n",
                  v.path("version").asText(),
                  v.path("seq").asLong(),
                  Instant.ofEpochMilli(v.path("time").asLong()),
                  v.path("message").asText());
            }
            return 0;
          });
    }
  }

  @Command(
      name = "diff",
      mixinStandardHelpOptions = true,
      description = "Line diff of two kept versions.")
  static final class Diff implements Callable<Integer> {
    @ParentCommand ConfigCommand parent;

    @Parameters(index = "0", paramLabel = "A")
    String a;

    @Parameters(index = "1", paramLabel = "B")
    String b;

    @Override
    public Integer call() {
      return guarded(
          () -> {
            AdminClient.Answer r =
                parent
                    .client()
                    .get(
                        "/_cdn/config/diff?a="
                            + AdminClient.encode(a)
                            + "&b="
                            + AdminClient.encode(b));
            if (r.status() != 200) {
              return failed(r, System.err);
            }
            System.out.print(r.body());
            return 0;
          });
    }
  }

  @Command(
      name = "rollback",
      mixinStandardHelpOptions = true,
      description = "Make a kept version current again (default: the one before the current one).")
  static final class Rollback implements Callable<Integer> {
    @ParentCommand ConfigCommand parent;

    @Parameters(index = "0", arity = "0..1", paramLabel = "VERSION")
    String version;

    @Override
    public Integer call() {
      return guarded(
          () -> {
            AdminClient.Answer r =
                parent
                    .client()
                    .post(
                        "/_cdn/config/rollback"
                            + (version == null ? "" : "?version=" + AdminClient.encode(version)),
                        null);
            if (r.status() != 200) {
              return failed(r, System.err);
            }
            JsonNode v = JSON.readTree(r.body());
            System.out.println(
                "current version "
                    + v.path("version").asText()
                    + " (#"
                    + v.path("seq").asLong()
                    + ")");
            return 0;
          });
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Print a kept version (default: the current one).")
  static final class Show implements Callable<Integer> {
    @ParentCommand ConfigCommand parent;

    @Parameters(index = "0", arity = "0..1", paramLabel = "VERSION")
    String version;

    @Override
    public Integer call() {
      return guarded(
          () -> {
            AdminClient c = parent.client();
            String v = version;
            if (v == null) {
              AdminClient.Answer s = c.get("/_cdn/config");
              if (s.status() != 200) {
                return failed(s, System.err);
              }
              JsonNode cur = JSON.readTree(s.body()).path("current");
              if (cur.isNull() || cur.isMissingNode()) {
                System.err.println("config: no version published yet");
                return 1;
              }
              v = cur.path("version").asText();
            }
            AdminClient.Answer r = c.get("/_cdn/config/versions/" + AdminClient.encode(v));
            if (r.status() != 200) {
              return failed(r, System.err);
            }
            System.out.print(r.body());
            return 0;
          });
    }
  }
}
