package org.rfbactivity.proxy.ws;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.Map;
import org.rfbactivity.proxy.config.ConfigException;
import org.rfbactivity.proxy.config.ProxySettings;

/**
 * The directory of {@code --web} and the one way from a request path to a file in it. A path is refused when it could
 * mean anything outside the directory, before the file system is asked: a segment {@code ..} or {@code .} (also when
 * percent-encoded, since the path is checked after decoding), an empty segment ({@code //etc/passwd}), a backslash, a
 * NUL or any other control character. What is left is resolved with {@link Path#toRealPath} (so symbolic links are
 * followed) and must still lie inside the directory's real path: a link pointing outside is as absent as a missing
 * file. A directory means its {@code index.html}; there are no listings.
 */
public final class WebRoot {

  /** A requested path longer than this is refused: no file the proxy serves has a longer one. */
  static final int MAX_PATH_LENGTH = 1024;
  static final String INDEX = "index.html";
  static final String OCTET_STREAM = "application/octet-stream";
  /** By file extension, lower case; everything else is {@link #OCTET_STREAM}, which browsers never render. */
  private static final Map<String, String> CONTENT_TYPES = Map.ofEntries(
      Map.entry("html", "text/html; charset=utf-8"),
      Map.entry("js", "text/javascript; charset=utf-8"),
      Map.entry("mjs", "text/javascript; charset=utf-8"),
      Map.entry("css", "text/css; charset=utf-8"),
      Map.entry("svg", "image/svg+xml"),
      Map.entry("png", "image/png"),
      Map.entry("ico", "image/x-icon"),
      Map.entry("json", "application/json"),
      Map.entry("wasm", "application/wasm"),
      Map.entry("woff2", "font/woff2"));

  private final Path root;

  private WebRoot(Path realRoot) {
    this.root = realRoot;
  }

  /**
   * @param dir the directory of {@code --web}
   * @throws ConfigException when it is not a directory whose real path can be found
   */
  public static WebRoot of(Path dir) {
    try {
      Path real = dir.toRealPath();
      if (!Files.isDirectory(real)) {
        throw new ConfigException(ProxySettings.WEB.flag(), dir.toString(), "not a readable directory");
      }
      return new WebRoot(real);
    } catch (IOException e) {
      throw new ConfigException(ProxySettings.WEB.flag(), dir.toString(), "not a readable directory", e);
    }
  }

  /** What a request path leads to. */
  sealed interface Lookup permits Found, Refused, Missing {}

  /** A regular file inside the directory, with what its answer needs. */
  record Found(Path file, long size, long modifiedMillis, String contentType) implements Lookup {}

  /** A path that could leave the directory: 403, without looking at the file system. */
  enum Refused implements Lookup { INSTANCE }

  /** No such file inside the directory (or a link out of it, or a directory without an index): 404. */
  enum Missing implements Lookup { INSTANCE }

  /**
   * Finds the file for a decoded request path (the part before {@code ?}). Touches the file system (a few metadata
   * calls, never the contents), so callers on an event loop accept that cost, which is that of a {@code stat}.
   */
  Lookup lookup(String decodedPath) {
    if (!safe(decodedPath)) {
      return Refused.INSTANCE;
    }
    String relative = decodedPath.substring(1);
    try {
      Path file = root.resolve(relative.isEmpty() || relative.endsWith("/") ? relative + INDEX : relative);
      Path real = file.toRealPath();
      if (!real.startsWith(root)) {
        return Missing.INSTANCE;
      }
      BasicFileAttributes attrs = Files.readAttributes(real, BasicFileAttributes.class);
      if (attrs.isDirectory()) {
        real = real.resolve(INDEX).toRealPath();
        if (!real.startsWith(root)) {
          return Missing.INSTANCE;
        }
        attrs = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      }
      if (!attrs.isRegularFile() || !Files.isReadable(real)) {
        return Missing.INSTANCE;
      }
      return new Found(real, attrs.size(), attrs.lastModifiedTime().toMillis(), contentType(real));
    } catch (IOException | RuntimeException e) {
      return Missing.INSTANCE; // no such file, no permission, a name the file system refuses
    }
  }

  /** Whether a decoded path names something under the directory by its plain segments only. */
  static boolean safe(String path) {
    if (path.isEmpty() || path.charAt(0) != '/' || path.length() > MAX_PATH_LENGTH) {
      return false;
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\' || c == ':') {
        return false; // NUL and control characters, Windows separators and drive letters
      }
    }
    String[] segments = path.substring(1).split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      String segment = segments[i];
      boolean last = i == segments.length - 1;
      if (segment.equals("..") || segment.equals(".") || (segment.isEmpty() && !last)) {
        return false;
      }
    }
    return true;
  }

  static String contentType(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    if (dot < 0) {
      return OCTET_STREAM;
    }
    return CONTENT_TYPES.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), OCTET_STREAM);
  }

  @Override
  public String toString() {
    return root.toString();
  }
}
