package io.opencdn.common.distribution;

import io.opencdn.common.signing.KeyGroup;
import io.opencdn.common.signing.PemPublicKeys;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads the viewer-access part of {@code distributions.yaml} for {@link DistributionsParser}: the
 * top-level {@code keyGroups} ({@code [{id, keys: [{id, publicKey}]}]}, key ids unique in the whole
 * document as CloudFront's are) and a behavior's {@code viewerProtocol} and {@code
 * trustedKeyGroups}. Mistakes go to the same {@link Problems} as the rest of the document.
 */
final class ViewerAccessParser {

  private static final Set<String> GROUP = Set.of("id", "keys");
  private static final Set<String> KEY = Set.of("id", "publicKey");
  private static final String GROUP_ID = "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}";
  private static final String KEY_ID = "[A-Za-z0-9][A-Za-z0-9_-]{0,127}";

  /** What a behavior says about its viewers. */
  record Access(ViewerProtocol protocol, List<KeyGroup> keyGroups) {}

  private ViewerAccessParser() {}

  /** The key groups of {@code n} ({@code keyGroups}, may be absent) by id. */
  static Map<String, KeyGroup> keyGroups(YamlTree y, Node n) {
    Map<String, KeyGroup> out = new LinkedHashMap<>();
    Map<String, Integer> keyLines = new HashMap<>();
    List<Node> groups = y.sequence(n, "keyGroups");
    for (int i = 0; i < groups.size(); i++) {
      String gk = "keyGroups[" + i + "]";
      Map<String, Node> g = y.mapping(groups.get(i), gk, GROUP);
      String id = y.text(g, "id", gk, groups.get(i), true);
      if (id != null && !id.matches(GROUP_ID)) {
        y.problems.add(
            YamlTree.line(g.get("id")),
            gk + ".id",
            "1-64 characters of A-Z a-z 0-9 _ . -, got '" + id + "'");
        id = null;
      }
      List<Node> keys = y.sequence(g.get("keys"), gk + ".keys");
      if (keys.isEmpty()) {
        y.problems.add(
            YamlTree.line(g.getOrDefault("keys", groups.get(i))),
            gk + ".keys",
            "at least one {id, publicKey}, got none");
      }
      Map<String, PublicKey> parsed = new LinkedHashMap<>();
      for (int j = 0; j < keys.size(); j++) {
        String kk = gk + ".keys[" + j + "]";
        Map<String, Node> k = y.mapping(keys.get(j), kk, KEY);
        String kid = y.text(k, "id", kk, keys.get(j), true);
        String pem = y.text(k, "publicKey", kk, keys.get(j), true);
        if (kid != null && !kid.matches(KEY_ID)) {
          y.problems.add(
              YamlTree.line(k.get("id")),
              kk + ".id",
              "a key id of 1-128 characters A-Z a-z 0-9 _ -, got '" + kid + "'");
          kid = null;
        }
        if (kid != null) {
          Integer other = keyLines.putIfAbsent(kid, YamlTree.line(k.get("id")));
          if (other != null) {
            y.problems.add(
                YamlTree.line(k.get("id")),
                kk + ".id",
                "a key id no other key has, got '" + kid + "' also at line " + other);
            kid = null;
          }
        }
        PublicKey key = null;
        if (pem != null) {
          try {
            key = PemPublicKeys.parse(pem);
          } catch (IllegalArgumentException e) {
            y.problems.add(YamlTree.line(k.get("publicKey")), kk + ".publicKey", e.getMessage());
          }
        }
        if (kid != null && key != null) {
          parsed.put(kid, key);
        }
      }
      if (id != null && out.containsKey(id)) {
        y.problems.add(
            YamlTree.line(g.get("id")),
            gk + ".id",
            "an id no other key group has, got '" + id + "' twice");
      } else if (id != null) {
        out.put(id, new KeyGroup(id, parsed, YamlTree.line(groups.get(i))));
      }
    }
    return out;
  }

  /** The {@code viewerProtocol} and {@code trustedKeyGroups} of the behavior {@code m}. */
  static Access behavior(
      YamlTree y, Map<String, Node> m, String key, Map<String, KeyGroup> groups) {
    ViewerProtocol protocol = ViewerProtocol.ALLOW_ALL;
    String p = y.text(m, "viewerProtocol", key, null, false);
    if (p != null) {
      protocol = ViewerProtocol.of(p);
      if (protocol == null) {
        y.problems.add(
            YamlTree.line(m.get("viewerProtocol")),
            key + ".viewerProtocol",
            "allow-all, redirect-to-https or https-only, got '" + p + "'");
      }
    }
    List<KeyGroup> trusted = new ArrayList<>();
    List<String> ids = y.texts(m, "trustedKeyGroups", key, null);
    if (ids != null && ids.isEmpty()) {
      y.problems.add(
          YamlTree.line(m.get("trustedKeyGroups")),
          key + ".trustedKeyGroups",
          "at least one key group id (leave the key out for none), got []");
    }
    for (int i = 0; ids != null && i < ids.size(); i++) {
      KeyGroup g = groups.get(ids.get(i));
      if (g == null) {
        y.problems.add(
            YamlTree.line(m.get("trustedKeyGroups")),
            key + ".trustedKeyGroups[" + i + "]",
            "a key group defined under keyGroups "
                + groups.keySet()
                + ", got '"
                + ids.get(i)
                + "'");
      } else if (!trusted.contains(g)) {
        trusted.add(g);
      }
    }
    return new Access(protocol, trusted);
  }
}
