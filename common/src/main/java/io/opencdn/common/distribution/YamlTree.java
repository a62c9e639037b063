package io.opencdn.common.distribution;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reading a YAML node tree with line numbers (SnakeYAML's composer, no object construction), and
 * reporting every mistake to {@link Problems} instead of stopping at the first: each accessor
 * records what was wrong and returns a neutral value so the walk goes on.
 */
final class YamlTree {

  final Problems problems;

  YamlTree(Problems problems) {
    this.problems = problems;
  }

  /** The root node of {@code text}, or null (reported) when it is not YAML or empty. */
  Node root(String text) {
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      options.setMaxAliasesForCollections(10);
      Node n = new Yaml(options).compose(new StringReader(text));
      if (n == null) {
        problems.add(1, "", "the document is empty");
      }
      return n;
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
      problems.add(line, "", "not valid YAML: " + e.getProblem());
      return null;
    } catch (RuntimeException e) {
      problems.add(1, "", "not valid YAML: " + e.getMessage());
      return null;
    }
  }

  static int line(Node n) {
    return n.getStartMark().getLine() + 1;
  }

  /** The keys of a mapping in order; unknown keys and a non-mapping are reported. */
  Map<String, Node> mapping(Node n, String key, Set<String> known) {
    Map<String, Node> out = new LinkedHashMap<>();
    if (!(n instanceof MappingNode m)) {
      problems.add(line(n), key, "expected a mapping {key: value, ...}, got " + describe(n));
      return out;
    }
    for (NodeTuple t : m.getValue()) {
      String k = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
      if (k == null || !known.contains(k)) {
        problems.add(
            line(t.getKeyNode()),
            join(key, String.valueOf(k)),
            "unknown key; known keys are " + known);
        continue;
      }
      out.put(k, t.getValueNode());
    }
    return out;
  }

  /** The items of a sequence (absent: empty; not a sequence: reported, empty). */
  List<Node> sequence(Node n, String key) {
    if (n == null) {
      return List.of();
    }
    if (!(n instanceof SequenceNode s)) {
      problems.add(line(n), key, "expected a list [...], got " + describe(n));
      return List.of();
    }
    return s.getValue();
  }

  /**
   * A scalar's text, or null when absent ({@code required}: reported) or not a scalar (reported).
   */
  String text(Map<String, Node> m, String name, String key, Node parent, boolean required) {
    Node n = m.get(name);
    if (n == null) {
      if (required) {
        problems.add(line(parent), join(key, name), "required, missing");
      }
      return null;
    }
    if (!(n instanceof ScalarNode s) || s.getValue().isEmpty() && required) {
      problems.add(line(n), join(key, name), "expected a text value, got " + describe(n));
      return null;
    }
    return s.getValue();
  }

  /** A whole number in {@code min..max}, {@code def} when absent; reported when not one. */
  long number(Map<String, Node> m, String name, String key, long min, long max, long def) {
    Node n = m.get(name);
    if (n == null) {
      return def;
    }
    if (n instanceof ScalarNode s) {
      try {
        long v = Long.parseLong(s.getValue().trim());
        if (v >= min && v <= max) {
          return v;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    problems.add(
        line(n),
        join(key, name),
        "expected a whole number " + min + ".." + max + ", got " + describe(n));
    return def;
  }

  /** A list of scalars (absent: {@code def}). */
  List<String> texts(Map<String, Node> m, String name, String key, List<String> def) {
    Node n = m.get(name);
    if (n == null) {
      return def;
    }
    List<String> out = new ArrayList<>();
    List<Node> items = sequence(n, join(key, name));
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i) instanceof ScalarNode s) {
        out.add(s.getValue());
      } else {
        problems.add(
            line(items.get(i)),
            join(key, name) + "[" + i + "]",
            "expected a text value, got " + describe(items.get(i)));
      }
    }
    return out;
  }

  /** A boolean, {@code def} when absent. */
  boolean bool(Map<String, Node> m, String name, String key, boolean def) {
    Node n = m.get(name);
    if (n == null) {
      return def;
    }
    if (n instanceof ScalarNode s
        && (s.getValue().equals("true") || s.getValue().equals("false"))) {
      return Boolean.parseBoolean(s.getValue());
    }
    problems.add(line(n), join(key, name), "expected true or false, got " + describe(n));
    return def;
  }

  static String join(String key, String name) {
    return key.isEmpty() ? name : key + "." + name;
  }

  static String describe(Node n) {
    if (n instanceof ScalarNode s) {
      return "'" + s.getValue() + "'";
    }
    return n instanceof SequenceNode
        ? "a list"
        : n instanceof MappingNode ? "a mapping" : "nothing";
  }
}
