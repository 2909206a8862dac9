package org.rfbactivity.proxy.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link WebRoot#safe}: whatever the path, one it accepts never names anything outside the directory by its
 * segments alone (the file system's links are {@code toRealPath}'s part, checked by {@code StaticFilesIT}); a path
 * with a {@code ..} segment anywhere is never accepted.
 */
class WebRootProperties {

  static final Path ROOT = Path.of("/srv/web");

  @Property
  void anAcceptedPathStaysInsideTheDirectory(@ForAll("paths") String path) {
    if (WebRoot.safe(path)) {
      Path resolved = ROOT.resolve(path.substring(1)).normalize();
      assertThat(resolved.startsWith(ROOT)).as(path).isTrue();
      assertThat(resolved).as("no segment is dropped or climbed: %s", path)
          .isEqualTo(ROOT.resolve(path.substring(1)));
    }
  }

  @Property
  void aDotDotSegmentIsNeverAccepted(@ForAll("paths") String before, @ForAll("paths") String after) {
    assertThat(WebRoot.safe(before + "/.." + after)).isFalse();
    assertThat(WebRoot.safe(before + "/../" + after)).isFalse();
  }

  @Example
  void plainPathsAreAccepted() {
    for (String ok : List.of("/", "/vnc.html", "/app/ui.js", "/core/", "/a..b/c.d", "/.well-known/x", "/%41")) {
      assertThat(WebRoot.safe(ok)).as(ok).isTrue();
    }
    for (String bad : List.of("", "x", "//x", "/a//b", "/..", "/./x", "/a\\b", "/a\0b", "/C:/x", "/a/../b")) {
      assertThat(WebRoot.safe(bad)).as(bad).isFalse();
    }
  }

  /** Slash-separated pieces of the characters that matter here. */
  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> segment = Arbitraries.oneOf(
        Arbitraries.of("", ".", "..", "...", "a", "b.js", "\\", "..\\", ":", "\0", "%2e", "~"),
        Arbitraries.strings().withChars("./\\:\0abc%").ofMaxLength(6));
    return segment.list().ofMaxSize(6).map(parts -> "/" + String.join("/", parts));
  }
}
