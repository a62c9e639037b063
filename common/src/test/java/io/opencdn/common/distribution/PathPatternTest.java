package io.opencdn.common.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathPatternTest {

  @ParameterizedTest(name = "{0} ~ {1} -> {2}")
  @CsvSource({
    "*, /, true",
    "*, /any/thing.js, true",
    "/api/*, /api/, true",
    "/api/*, /api/v1/users, true",
    "/api/*, /api, false",
    "/api/*, /API/v1, false",
    "/api/*, /static/api/x, false",
    "*.jpg, /a/b/c.jpg, true",
    "*.jpg, /a/b/c.jpeg, false",
    "/images/*.jpg, /images/sub/x.jpg, true",
    "/img?.png, /img1.png, true",
    "/img?.png, /img.png, false",
    "/img?.png, /img12.png, false",
    "/a*b*c, /axxbyyc, true",
    "/a*b*c, /axxbyy, false",
    "/exact, /exact, true",
    "/exact, /exact/, false",
    "/**, /x, true",
  })
  void matchesLikeCloudFront(String pattern, String path, boolean expected) {
    assertThat(new PathPattern(pattern).matches(path)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"*, true", "**, true", "/*, false", "/api/*, false"})
  void knowsTheCatchAll(String pattern, boolean expected) {
    assertThat(new PathPattern(pattern).matchesEverything()).isEqualTo(expected);
  }
}
