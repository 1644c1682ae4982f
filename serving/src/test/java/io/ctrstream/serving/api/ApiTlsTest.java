package io.ctrstream.serving.api;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import io.ctrstream.serving.SeededRedis;
import io.ctrstream.serving.store.ResultStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * HTTPS from a PKCS12 keystore (made here by the JDK's keytool, a certificate for 127.0.0.1): the
 * API answers over TLS to a client that trusts the certificate, plain HTTP on the same port gets no
 * answer, and tokens work over TLS as over HTTP.
 */
public class ApiTlsTest {
  @ClassRule public static final SeededRedis REDIS = new SeededRedis();
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final char[] PASSWORD = "keystore-secret".toCharArray();

  private Path keystore() throws Exception {
    Path ks = tmp.getRoot().toPath().resolve("api.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "api",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                ks.toString(),
                "-storepass",
                new String(PASSWORD),
                "-keypass",
                new String(PASSWORD))
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes());
    assertThat(output, keytool.waitFor(), equalTo(0));
    return ks;
  }

  private static HttpClient trusting(Path keystore) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      trust.load(in, PASSWORD);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @Test
  public void httpsOnlyWithTokens() throws Exception {
    Path ks = keystore();
    String[] client = ApiTokens.newToken("acme", "c1");
    Path tokens = tmp.newFile("tokens").toPath();
    Files.writeString(tokens, client[1] + "\n");
    try (ResultStore store = REDIS.store();
        ApiServer server =
            new ApiServer(
                store,
                new ApiServer.Settings(
                    "127.0.0.1",
                    0,
                    null,
                    ApiTokens.read(tokens),
                    new ApiServer.TlsKeystore(ks, PASSWORD)))) {
      server.start();
      HttpClient https = trusting(ks);
      String base = "https://127.0.0.1:" + server.port();
      assertThat(get(https, base + "/health", null).statusCode(), equalTo(200));
      assertThat(get(https, base + "/ctr/c1", null).statusCode(), equalTo(401));
      assertThat(get(https, base + "/ctr/c1", client[0]).statusCode(), equalTo(200));
      assertThat(get(https, base + "/ctr/c2", client[0]).statusCode(), equalTo(403));
      // no plain HTTP: the port speaks TLS only
      HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      assertThrows(
          IOException.class,
          () -> get(plain, "http://127.0.0.1:" + server.port() + "/health", null));
      // and a client that does not trust the certificate gets nowhere
      assertThrows(
          IOException.class, () -> get(HttpClient.newHttpClient(), base + "/health", null));
    }
  }

  private static HttpResponse<String> get(HttpClient client, String url, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }
}
