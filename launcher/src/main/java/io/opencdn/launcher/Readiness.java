package io.opencdn.launcher;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Probes that tell when a demo component is ready ({@link DemoStatus} polls them with a deadline).
 */
final class Readiness {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

  private Readiness() {}

  /** True when {@code url} answers 200. */
  static boolean httpOk(String url) {
    return httpStatus(url) == 200;
  }

  /** The status {@code url} answers with, or -1 when it does not answer within a second. */
  static int httpStatus(String url) {
    try {
      HttpRequest req =
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(1)).GET().build();
      return HTTP.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    } catch (Exception e) {
      return -1;
    }
  }

  /**
   * True when the server at host:port answers an SOA query for {@code zone} (any response code).
   */
  static boolean answersDns(String host, int port, String zone) {
    try {
      SimpleResolver resolver = new SimpleResolver(InetAddress.getByName(host));
      resolver.setPort(port);
      resolver.setTimeout(Duration.ofSeconds(1));
      resolver.send(Message.newQuery(Record.newRecord(Name.fromString(zone), Type.SOA, DClass.IN)));
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /** The A records the server at host:port gives for {@code name} with an ECS subnet. */
  static List<String> resolve(String host, int port, String name, String subnet, boolean tcp)
      throws Exception {
    SimpleResolver resolver = new SimpleResolver(InetAddress.getByName(host));
    resolver.setPort(port);
    resolver.setTCP(tcp);
    resolver.setTimeout(Duration.ofSeconds(1));
    Message query = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
    String[] parts = subnet.split("/");
    ClientSubnetOption ecs =
        new ClientSubnetOption(Integer.parseInt(parts[1]), InetAddress.getByName(parts[0]));
    query.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(ecs)), Section.ADDITIONAL);
    Message response = resolver.send(query);
    return response.getSection(Section.ANSWER).stream()
        .filter(r -> r instanceof ARecord)
        .map(r -> ((ARecord) r).getAddress().getHostAddress())
        .toList();
  }
}
