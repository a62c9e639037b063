package io.opencdn.common.distribution;

import java.util.ArrayList;
import java.util.List;

/**
 * A line diff of two versions' texts ({@code cdn config diff A B}): lines only in A start with
 * {@code -}, lines only in B with {@code +}, common lines are left out except as {@code @@ line N}
 * markers, so the output reads like a unified diff without context. Longest common subsequence,
 * quadratic in the lines: documents are small.
 */
public final class TextDiff {

  private TextDiff() {}

  /** The diff of {@code a} to {@code b}; empty when they are equal. */
  public static String diff(String a, String b) {
    String[] x = a.split("\n", -1);
    String[] y = b.split("\n", -1);
    int[][] lcs = new int[x.length + 1][y.length + 1];
    for (int i = x.length - 1; i >= 0; i--) {
      for (int j = y.length - 1; j >= 0; j--) {
        lcs[i][j] =
            x[i].equals(y[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    List<String> out = new ArrayList<>();
    int i = 0;
    int j = 0;
    boolean inHunk = false;
    while (i < x.length || j < y.length) {
      if (i < x.length && j < y.length && x[i].equals(y[j])) {
        i++;
        j++;
        inHunk = false;
        continue;
      }
      if (!inHunk) {
        out.add("@@ line " + (i + 1) + " -> " + (j + 1));
        inHunk = true;
      }
      if (j < y.length && (i == x.length || lcs[i][j + 1] >= lcs[i + 1][j])) {
        out.add("+" + y[j++]);
      } else {
        out.add("-" + x[i++]);
      }
    }
    return out.isEmpty() ? "" : String.join("\n", out) + "\n";
  }
}
