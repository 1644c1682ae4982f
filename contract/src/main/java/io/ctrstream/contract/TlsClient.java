package io.ctrstream.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * A TLS client's setup from files, for the job's and the readers' connections to Redis: trust the
 * CA certificates of a PEM file (else the JVM's default trust store), optionally present a client
 * certificate from a PKCS12 keystore, and verify that the server's certificate names the host
 * connected to (RFC 2818 rules, as HTTPS does).
 *
 * @param caFile PEM file of the CA certificates to trust, or null for the JVM's trust store
 * @param clientKeystore PKCS12 keystore with the client's key and certificate, or null for none
 * @param clientKeystorePassword its password, or null
 */
public record TlsClient(Path caFile, Path clientKeystore, char[] clientKeystorePassword) {

  /**
   * The socket factory of this setup.
   *
   * @throws IllegalArgumentException naming the file that cannot be read or holds no certificate or
   *     key
   */
  public SSLSocketFactory socketFactory() {
    try {
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(caFile == null ? null : trustStore(caFile));
      KeyManagerFactory keys = null;
      if (clientKeystore != null) {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(clientKeystore)) {
          ks.load(in, clientKeystorePassword);
        }
        keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(ks, clientKeystorePassword);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
      return context.getSocketFactory();
    } catch (IOException e) {
      throw new IllegalArgumentException(
          (clientKeystore != null ? clientKeystore + " or " : "")
              + (caFile != null ? caFile : "the trust store")
              + ": cannot be read ("
              + e.getMessage()
              + ")",
          e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("TLS setup failed: " + e.getMessage(), e);
    }
  }

  /** Parameters that make the handshake check the server certificate's host name. */
  public static SSLParameters verifyingHostName() {
    SSLParameters p = new SSLParameters();
    p.setEndpointIdentificationAlgorithm("HTTPS");
    return p;
  }

  private static KeyStore trustStore(Path pem) throws IOException, GeneralSecurityException {
    Collection<? extends Certificate> certs;
    try (InputStream in = Files.newInputStream(pem)) {
      certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    if (certs.isEmpty()) {
      throw new IOException("no certificate in it");
    }
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    int i = 0;
    for (Certificate c : certs) {
      ks.setCertificateEntry("ca-" + i++, c);
    }
    return ks;
  }
}
