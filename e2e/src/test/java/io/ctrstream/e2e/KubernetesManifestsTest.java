package io.ctrstream.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The manifests of {@code deploy/kubernetes/}, validated offline: Kubernetes' own objects against
 * the schemas of the npm package kubernetes-models, the {@code FlinkDeployment} against the Flink
 * Kubernetes Operator's CRD (from its API jar on Maven Central, version in e2e/pom.xml), strictly:
 * an undeclared field is an error ({@code deploy/kubernetes/validate/validate.mjs}). A broken copy
 * must fail with the field named. Needs Node.js and npm (the validator's packages are installed
 * from the npm registry on first use).
 */
public class KubernetesManifestsTest {
  private static final Path ROOT =
      Paths.get(System.getProperty("ctrstream.root", "..")).toAbsolutePath().normalize();
  private static final Path DIR = ROOT.resolve("deploy/kubernetes");
  private static final Path VALIDATOR = DIR.resolve("validate");

  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();
  private static final List<String> CRDS = new ArrayList<>();

  @BeforeClass
  public static void installValidatorAndExtractCrds() throws Exception {
    if (!Files.isDirectory(VALIDATOR.resolve("node_modules"))) {
      Result npm = run(VALIDATOR, "npm", "ci", "--no-audit", "--no-fund");
      assertThat("npm ci in deploy/kubernetes/validate:\n" + npm.output, npm.exit, equalTo(0));
    }
    for (String crd :
        List.of(
            "flinkdeployments.flink.apache.org-v1.yml",
            "flinksessionjobs.flink.apache.org-v1.yml")) {
      try (InputStream in =
          KubernetesManifestsTest.class.getResourceAsStream("/META-INF/fabric8/" + crd)) {
        assertThat("the operator's CRD " + crd + " on the test classpath", in != null);
        Path file = TMP.getRoot().toPath().resolve(crd);
        Files.copy(in, file);
        CRDS.add(file.toString());
      }
    }
  }

  private record Result(int exit, String output) {}

  private static Result run(Path dir, String... command) throws Exception {
    Process p;
    try {
      p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError(command[0] + " is missing: install Node.js and npm", e);
    }
    String out = new String(p.getInputStream().readAllBytes());
    return new Result(p.waitFor(), out);
  }

  private static Result validate(List<Path> manifests) throws Exception {
    List<String> command = new ArrayList<>(List.of("node", "validate.mjs"));
    for (String crd : CRDS) {
      command.add("--crd");
      command.add(crd);
    }
    manifests.forEach(m -> command.add(m.toString()));
    return run(VALIDATOR, command.toArray(String[]::new));
  }

  private static List<Path> shipped() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  @Test
  public void everyShippedManifestIsValid() throws Exception {
    List<Path> manifests = shipped();
    Result r = validate(manifests);
    assertThat(r.output, r.exit, equalTo(0));
    assertThat(
        r.output,
        containsString(
            "valid    " + DIR.resolve("flinkdeployment.yaml") + ": FlinkDeployment ctrstream"));
    assertThat(r.output, containsString(": Deployment ctr-serve"));
    assertThat(r.output, containsString(": Service ctr-serve"));
    assertThat(r.output, not(containsString("INVALID")));
  }

  @Test
  public void aBrokenManifestFailsNamingTheField() throws Exception {
    Path broken = TMP.newFile("broken.yaml").toPath();
    Files.writeString(
        broken,
        Files.readString(DIR.resolve("flinkdeployment.yaml"))
                .replace("upgradeMode: savepoint", "upgradeMod: savepoint")
                .replace("flinkVersion: v1_19", "flinkVersion: v1_9")
            + "---\n"
            + Files.readString(DIR.resolve("serving.yaml"))
                .replace("containerPort: 8090", "containerPort: \"8090\""));
    Result r = validate(List.of(broken));
    assertThat(r.output, r.exit, equalTo(1));
    assertThat(
        r.output,
        containsString(
            "FlinkDeployment ctrstream: /spec/job must NOT have additional properties (upgradeMod)"));
    assertThat(
        r.output,
        containsString(
            "FlinkDeployment ctrstream: /spec/flinkVersion must be equal to one of the allowed values"));
    assertThat(
        r.output,
        containsString(
            "Deployment ctr-serve: /spec/template/spec/containers/0/ports/0/containerPort must be integer"));
  }

  @Test
  public void aKindNoSchemaCoversIsAnError() throws Exception {
    Path unknown = TMP.newFile("unknown.yaml").toPath();
    Files.writeString(
        unknown, "apiVersion: example.com/v1\nkind: Gadget\nmetadata:\n  name: g\nspec: {}\n");
    Result r = validate(List.of(unknown));
    assertThat(r.output, r.exit, equalTo(1));
    assertThat(r.output, containsString("no schema for example.com/v1 Gadget"));
  }
}
