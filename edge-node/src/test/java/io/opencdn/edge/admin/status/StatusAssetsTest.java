package io.opencdn.edge.admin.status;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Every file of the page is on the class path (the D3 WebJar of the pom's version included). */
class StatusAssetsTest {

  final StatusAssets assets = new StatusAssets();

  @Test
  void everyFileIsThere() {
    for (String name :
        new String[] {
          "index.html",
          "status.js",
          "status.css",
          "d3.min.js",
          "topojson-client.min.js",
          "countries-110m.json"
        }) {
      assertThat(assets.type(name)).as(name).isNotNull();
      assertThat(assets.read(name).length()).as(name).isGreaterThan(100);
    }
    assertThat(assets.read("d3.min.js").toString()).contains("geoNaturalEarth1");
    assertThat(assets.read("countries-110m.json").toString()).contains("\"countries\"", "\"land\"");
    assertThat(assets.read("index.html").toString())
        .contains("/_cdn/status/assets/d3.min.js", "/_cdn/status/assets/status.js")
        .doesNotContain("http://", "https://");
  }

  @Test
  void unknownNamesAreNotServed() {
    assertThat(assets.type("../StatusAssets.class")).isNull();
    assertThat(assets.type("vendor/countries-110m.json")).isNull();
  }
}
