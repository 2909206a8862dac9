package org.rfbactivity.proxy.config;

import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Objects;

/**
 * Where viewers are sent. Exactly one kind per proxy; none of them ever takes a target from the client
 * (no open relay, ever: docs/architecture.md#the-proxy).
 */
public sealed interface Routing {

  /** Name in logs and the admin API: {@code static}, {@code token-file}, {@code route-query} or {@code jwt}. */
  String kind();

  /** One fixed target for every viewer ({@code --target} or {@code --unix-target}, with {@code --session-id}). */
  record Static(String sessionId, Target target) implements Routing {
    public Static {
      Objects.requireNonNull(sessionId, "sessionId");
      Objects.requireNonNull(target, "target");
    }

    @Override
    public String kind() {
      return "static";
    }
  }

  /** A websockify-format token file ({@code token: host:port} per line), reloaded when it changes. */
  record TokenFile(Path file) implements Routing {
    public TokenFile {
      Objects.requireNonNull(file, "file");
    }

    @Override
    public String kind() {
      return "token-file";
    }
  }

  /** A SQL query with one {@code ?} (the token, else the {@code /vnc/{id}} path id) returning host and port. */
  record RouteQuery(String sql) implements Routing {
    public RouteQuery {
      Objects.requireNonNull(sql, "sql");
    }

    @Override
    public String kind() {
      return "route-query";
    }
  }

  /** A JWT verified with an HS256 secret; the algorithm is pinned to HS256. */
  record JwtHs256(byte[] secret) implements Routing {
    public JwtHs256 {
      secret = secret.clone();
    }

    @Override
    public byte[] secret() {
      return secret.clone();
    }

    @Override
    public String kind() {
      return "jwt";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof JwtHs256 other && Arrays.equals(secret, other.secret);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(secret);
    }

    @Override
    public String toString() {
      return "JwtHs256[secret=<" + secret.length + " bytes>]";
    }
  }

  /** A JWT verified with an RSA public key; the algorithm is pinned to RS256. */
  record JwtRs256(RSAPublicKey publicKey) implements Routing {
    public JwtRs256 {
      Objects.requireNonNull(publicKey, "publicKey");
    }

    @Override
    public String kind() {
      return "jwt";
    }
  }
}
