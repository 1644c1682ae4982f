package io.ctrstream.serving.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's bearer tokens, read from a file that holds one client per line:
 *
 * <pre>
 * # NAME     TOKEN'S SHA-256                                                          CAMPAIGNS
 * acme       sha256:5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8 1722,906
 * billing    sha256:6b86b273ff34fce19c6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b *
 * </pre>
 *
 * <p>The file holds no token, only its SHA-256 (hex): whoever reads the file cannot call the API.
 * {@code ctr token NAME CAMPAIGNS} makes a token and its line. {@code CAMPAIGNS} is a
 * comma-separated list of campaign ids, or {@code *} for every campaign and every breakdown ({@link
 * Access}). Blank lines and lines starting with {@code #} are ignored.
 *
 * <p>A presented token is hashed and compared with every client's hash by {@link
 * MessageDigest#isEqual}, which takes the same time wherever two hashes differ, and always with all
 * of them, so the time of an answer says nothing about how close a guess came or which client it
 * resembled.
 *
 * <p>Changes to the file take effect without a restart: each {@link #authenticate} first checks the
 * file's modification time and size, and reads it again when either changed. A file that no longer
 * parses leaves the tokens as they were and is logged.
 */
public final class ApiTokens {
  private static final Logger LOG = LoggerFactory.getLogger(ApiTokens.class);
  private static final String SHA256 = "sha256:";
  private static final SecureRandom RANDOM = new SecureRandom();

  private record Client(String name, byte[] hash, Set<String> campaigns) {}

  private record Stamp(long modifiedNanos, long size) {}

  private final Path file;
  private volatile List<Client> clients;
  private volatile Stamp stamp;

  private ApiTokens(Path file, List<Client> clients, Stamp stamp) {
    this.file = file;
    this.clients = clients;
    this.stamp = stamp;
  }

  /**
   * Reads the token file.
   *
   * @throws IOException if it cannot be read
   * @throws IllegalArgumentException naming the line that is not {@code NAME sha256:HEX CAMPAIGNS},
   *     a name given twice, or a file without clients
   */
  public static ApiTokens read(Path file) throws IOException {
    Stamp stamp = stamp(file);
    return new ApiTokens(file, parse(file), stamp);
  }

  /** The file the tokens come from. */
  public Path file() {
    return file;
  }

  /** How many clients the file names now. */
  public int size() {
    return clients.size();
  }

  /**
   * The client a {@code Authorization} header's bearer token belongs to.
   *
   * @param authorization the header's value, or null
   * @return what that client may read; empty for no header, another scheme or an unknown token
   */
  public Optional<Access> authenticate(String authorization) {
    reloadIfChanged();
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    byte[] presented = sha256(authorization.substring(7).trim());
    Client match = null;
    for (Client c : clients) {
      if (MessageDigest.isEqual(c.hash(), presented) && match == null) {
        match = c;
      }
    }
    if (match == null) {
      return Optional.empty();
    }
    return Optional.of(
        match.campaigns() == null
            ? Access.everything(match.name())
            : new Access(match.name(), match.campaigns()));
  }

  /** Reads the file again if its modification time or size changed since it was last read. */
  void reloadIfChanged() {
    Stamp now;
    try {
      now = stamp(file);
    } catch (IOException e) {
      LOG.warn(
          "ctr serve: cannot read the token file {}: {}; keeping its tokens", file, e.toString());
      return;
    }
    if (now.equals(stamp)) {
      return;
    }
    synchronized (this) {
      if (now.equals(stamp)) {
        return;
      }
      try {
        List<Client> read = parse(file);
        clients = read;
        LOG.info("ctr serve: token file {} read again: {} clients", file, read.size());
      } catch (IOException | IllegalArgumentException e) {
        LOG.warn(
            "ctr serve: token file {} not taken: {}; keeping its tokens", file, e.getMessage());
      }
      stamp = now;
    }
  }

  /**
   * A new random token (256 bits, URL-safe base64) and the token file's line for it.
   *
   * @param name the client's name (letters, digits, {@code .-_})
   * @param campaigns {@code *} or comma-separated campaign ids
   * @return {token, line}
   * @throws IllegalArgumentException for a name or campaign list the file would refuse
   */
  public static String[] newToken(String name, String campaigns) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    String line = name + " " + SHA256 + HexFormat.of().formatHex(sha256(token)) + " " + campaigns;
    parseLine(line, 1);
    return new String[] {token, line};
  }

  private static List<Client> parse(Path file) throws IOException {
    List<Client> clients = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Client c = parseLine(line, i + 1);
      if (!names.add(c.name())) {
        throw new IllegalArgumentException(
            "line " + (i + 1) + ": client '" + c.name() + "' is named twice");
      }
      clients.add(c);
    }
    if (clients.isEmpty()) {
      throw new IllegalArgumentException("it names no client");
    }
    return List.copyOf(clients);
  }

  private static Client parseLine(String line, int number) {
    String[] parts = line.split("\\s+");
    String expected = ": expected NAME sha256:HEX CAMPAIGNS (a list or *)";
    if (parts.length != 3 || !parts[0].matches("[A-Za-z0-9._-]+") || !parts[1].startsWith(SHA256)) {
      throw new IllegalArgumentException("line " + number + expected);
    }
    byte[] hash;
    try {
      hash = HexFormat.of().parseHex(parts[1].substring(SHA256.length()));
    } catch (IllegalArgumentException e) {
      hash = new byte[0];
    }
    if (hash.length != 32) {
      throw new IllegalArgumentException("line " + number + ": the hash is not 64 hex digits");
    }
    Set<String> campaigns = null;
    if (!parts[2].equals("*")) {
      campaigns = new LinkedHashSet<>();
      for (String c : parts[2].split(",")) {
        if (c.isBlank() || c.equals("*")) {
          throw new IllegalArgumentException("line " + number + expected);
        }
        campaigns.add(c);
      }
      campaigns = Set.copyOf(campaigns);
    }
    return new Client(parts[0], hash, campaigns);
  }

  private static Stamp stamp(Path file) throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    return new Stamp(a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS), a.size());
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
