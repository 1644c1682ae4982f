package io.ctrstream.serving.api;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.ctrstream.serving.SeededApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TestRule;

/**
 * The HTTP API under bad input: 10,000 seeded random requests, paths built from the API's own
 * segments mixed with junk (percent escapes, broken escapes, dot segments, control and non-ASCII
 * bytes, very long segments, empty segments) and query strings from its parameter names mixed with
 * junk values, sent with a few methods. Every answer is 200, 400, 404 or 405 with no stack trace
 * (nor a class of ours or of the JDK) in its body, and the server answers normally afterwards.
 *
 * <p>The requests go over a raw socket, as a hostile client would send them, not through an HTTP
 * client that would normalise or refuse them first.
 */
public class ApiFuzzTest {
  private static final SeededApi API = new SeededApi();
  @ClassRule public static final TestRule SERVER = API.rule();

  private static final long SEED = 20261130L;
  private static final int REQUESTS = 10_000;
  private static final List<String> SEGMENTS =
      List.of(
          "ctr",
          "latest",
          "previous",
          "windows",
          "campaigns",
          "dimensions",
          "alerts",
          "health",
          "openapi.json",
          "index.html",
          "app.js",
          "c1",
          "c2",
          "nope",
          "",
          ".",
          "..",
          "%2e%2e",
          "%2F",
          "%",
          "%zz",
          "%e2%82",
          "%00",
          "%ff",
          "caf%C3%A9",
          "é",
          "a b",
          "\t",
          "~",
          "*",
          "?",
          "#",
          ";x=1");
  private static final List<String> PARAMS =
      List.of("from", "to", "limit", "dimension", "trend", "x", "", "limit[]", "from%00", "LIMIT");
  private static final List<String> VALUES =
      List.of(
          "",
          "0",
          "1",
          "-1",
          "10000",
          "10001",
          "99999999999999999999",
          "2024-03-01T12:00:00Z",
          "2024-13-45T99:00:00Z",
          "1709294400000",
          "NaN",
          "true",
          "false",
          "yes",
          "campaign",
          "device",
          "region",
          "campaign_id+device",
          "%",
          "%zz",
          "%00",
          "a=b",
          "&&",
          "é",
          "\u0000",
          "' OR 1=1 --");
  private static final List<String> METHODS =
      List.of(
          "GET", "GET", "GET", "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE");

  @Test
  public void tenThousandRandomRequestsGetOnly200400404Or405AndNoStackTrace() throws Exception {
    Random random = new Random(SEED);
    Map<Integer, Integer> statuses = new TreeMap<>();
    for (int i = 0; i < REQUESTS; i++) {
      String method = pick(random, METHODS);
      String target = path(random) + query(random);
      Answer a;
      try {
        a = send(method, target);
      } catch (SocketTimeoutException e) {
        throw new AssertionError(
            "request " + i + ", " + method + " " + target + ": no complete answer within 10 s", e);
      }
      statuses.merge(a.status, 1, Integer::sum);
      assertThat(
          method + " " + target + " -> " + a.status + " " + a.body,
          a.status,
          anyOf(equalTo(200), equalTo(400), equalTo(404), equalTo(405)));
      // no stack trace and nothing of ours or of the JDK (Jetty answers a target it cannot parse
      // with a 400 of its own before any route sees it)
      assertThat(method + " " + target, a.body, not(containsString("\tat ")));
      assertThat(method + " " + target, a.body, not(containsString("Caused by")));
      assertThat(method + " " + target, a.body, not(containsString("io.ctrstream")));
      assertThat(method + " " + target, a.body, not(containsString("java.")));
    }
    System.out.println(
        "ApiFuzzTest: " + REQUESTS + " requests (seed " + SEED + "), statuses " + statuses);
    assertThat(
        "every kind of answer was met", statuses.keySet(), equalTo(Set.of(200, 400, 404, 405)));
    assertThat("the server still answers", send("GET", "/ctr/latest").status, equalTo(200));
  }

  /**
   * Broken escapes, which an HTTP client refuses to send: in a query a 400 naming them; in a path
   * Jetty's 400.
   */
  @Test
  public void brokenPercentEscapesAre400() throws Exception {
    Answer query = send("GET", "/ctr/c1/windows?limit=%zz");
    assertThat(query.body, query.status, equalTo(400));
    assertThat(query.body, containsString("\"message\" : \"malformed percent escape in '%zz'\""));
    assertThat(send("GET", "/keys/%zz").status, equalTo(400));
  }

  static String path(Random random) {
    StringBuilder path = new StringBuilder();
    int segments = 1 + random.nextInt(4);
    for (int s = 0; s < segments; s++) {
      path.append('/');
      switch (random.nextInt(10)) {
        case 0 ->
            path.append(junk(random, 1 + random.nextInt(random.nextInt(10) == 0 ? 3000 : 20)));
        case 1 -> path.append(pick(random, SEGMENTS)).append(junk(random, 1 + random.nextInt(3)));
        default -> path.append(pick(random, SEGMENTS));
      }
    }
    return path.toString();
  }

  static String query(Random random) {
    if (random.nextInt(3) == 0) {
      return "";
    }
    StringBuilder q = new StringBuilder("?");
    int params = random.nextInt(4);
    for (int p = 0; p < params; p++) {
      if (p > 0) {
        q.append(random.nextInt(10) == 0 ? ";" : "&");
      }
      q.append(pick(random, PARAMS));
      if (random.nextInt(8) != 0) {
        q.append('=')
            .append(
                random.nextInt(6) == 0
                    ? junk(random, 1 + random.nextInt(30))
                    : pick(random, VALUES));
      }
    }
    return q.toString();
  }

  /**
   * Printable ASCII, some bytes escaped or not, never a space or line break (they end the request
   * line).
   */
  private static String junk(Random random, int length) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < length; i++) {
      int kind = random.nextInt(10);
      if (kind == 0) {
        s.append('%').append(String.format("%02X", random.nextInt(256)));
      } else if (kind == 1) {
        s.append("é");
      } else {
        char c = (char) (33 + random.nextInt(94));
        s.append(c == '#' ? '_' : c);
      }
    }
    return s.toString();
  }

  static <T> T pick(Random random, List<T> from) {
    return from.get(random.nextInt(from.size()));
  }

  record Answer(int status, String body) {}

  /**
   * One HTTP/1.1 request on a fresh connection, the target sent as given (UTF-8 bytes, not
   * normalised).
   */
  private static Answer send(String method, String target) throws IOException {
    return send(API.server().port(), method, target, null);
  }

  /**
   * One HTTP/1.1 request to {@code port}, with {@code Authorization: Bearer token} unless the token
   * is null.
   */
  static Answer send(int port, String method, String target, String token) throws IOException {
    String clean = target.replace("\t", "%09").replace(" ", "%20").replace("\u0000", "%00");
    String auth = token == null ? "" : "Authorization: Bearer " + token + "\r\n";
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          (method
                  + " "
                  + clean
                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                  + auth
                  + "Content-Length: 0\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int firstSpace = response.indexOf(' ');
      if (!response.startsWith("HTTP/1.1 ") || firstSpace < 0) {
        return new Answer(-1, response);
      }
      int status = Integer.parseInt(response.substring(firstSpace + 1, firstSpace + 4));
      int bodyStart = response.indexOf("\r\n\r\n");
      return new Answer(status, bodyStart < 0 ? "" : response.substring(bodyStart + 4));
    }
  }
}
