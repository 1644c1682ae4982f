package io.ctrstream.serving.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * The files the server hands out as they are: the dashboard page and its script and style, the
 * OpenAPI description, and Chart.js from its WebJar (all read from the classpath, nothing from a
 * CDN).
 */
final class StaticAssets {
  /** A file's bytes and media type. */
  record Asset(byte[] body, String contentType) {}

  private static final String BASE = "/io/ctrstream/serving/";
  private final Map<String, String[]> paths;

  StaticAssets() {
    String chartJs = "/META-INF/resources/webjars/chart.js/" + buildProperty("chartjs.version") + "/dist/chart.umd.js";
    this.paths = Map.of(
        "/", new String[] {BASE + "dashboard/index.html", "text/html; charset=utf-8"},
        "/index.html", new String[] {BASE + "dashboard/index.html", "text/html; charset=utf-8"},
        "/dashboard.js", new String[] {BASE + "dashboard/dashboard.js", "text/javascript; charset=utf-8"},
        "/dashboard.css", new String[] {BASE + "dashboard/dashboard.css", "text/css; charset=utf-8"},
        "/vendor/chart.umd.js", new String[] {chartJs, "text/javascript; charset=utf-8"},
        "/openapi.json", new String[] {BASE + "openapi.json", "application/json; charset=utf-8"});
  }

  /** The asset at this request path, or null if the path is not a static one. */
  Asset get(String path) {
    String[] p = paths.get(path);
    if (p == null) {
      return null;
    }
    try (InputStream in = StaticAssets.class.getResourceAsStream(p[0])) {
      if (in == null) {
        throw new IllegalStateException("resource " + p[0] + " is missing from the classpath");
      }
      return new Asset(in.readAllBytes(), p[1]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String buildProperty(String name) {
    Properties props = new Properties();
    try (InputStream in = StaticAssets.class.getResourceAsStream(BASE + "serving.properties")) {
      props.load(in);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("serving.properties is missing from the classpath", e);
    }
    return props.getProperty(name);
  }
}
