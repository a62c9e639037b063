package io.opencdn.launcher;

import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.ConfigLocation;
import io.opencdn.edge.config.EdgeConfig;
import io.opencdn.live.cluster.StreamKeys;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./cdn stream-key STREAM...}: the key a publisher needs for each stream ({@code ?key=}
 * after the stream name), from an edge's config: derived from the cluster secret ({@code
 * live.streamKeys: hmac}), or the configured one ({@code static}).
 */
@Command(
    name = "stream-key",
    mixinStandardHelpOptions = true,
    description = {
      "Print the publish key of live streams (rtmp://EDGE:PORT/live/STREAM?key=KEY).",
      "Reads an edge config; the demo's needs CDN_CLUSTER_SECRET as the demo printed it."
    })
public final class StreamKeyCommand implements Callable<Integer> {

  @Option(
      names = "--config",
      paramLabel = "LOCATION",
      defaultValue = "classpath:demo/edge-eu-west.yaml",
      description = "edge YAML config with a live section (default: ${DEFAULT-VALUE})")
  String config;

  @Parameters(arity = "1..*", paramLabel = "STREAM", description = "stream names")
  List<String> streams;

  @Override
  public Integer call() {
    EdgeConfig cfg;
    try {
      cfg = ConfigLocation.load(config, EdgeConfig.class);
    } catch (ConfigException e) {
      System.err.println("stream-key: " + e.getMessage());
      return 2;
    }
    if (cfg.live() == null) {
      System.err.println("stream-key: " + config + " has no live section");
      return 2;
    }
    StreamKeys keys =
        StreamKeys.of(cfg.live(), cfg.cluster() == null ? null : cfg.cluster().secret());
    int status = 0;
    for (String s : streams) {
      String key = keys.keyFor(s);
      if (key == null || !s.matches(io.opencdn.live.config.LiveConfig.STREAM_NAME)) {
        System.err.println(
            "stream-key: no key for '"
                + s
                + "' ("
                + (key == null ? "not in live.keys" : "not a stream name")
                + ")");
        status = 1;
      } else {
        System.out.println(s + " " + key);
      }
    }
    return status;
  }
}
