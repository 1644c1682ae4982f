package io.ctrstream.pipeline.testing;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs {@code CtrPipeline.main} the way {@code mvn exec:java} does: from a class loader of its own
 * that holds the job's class path, while the JVM's system class loader holds only this launcher.
 *
 * <p>Arguments: the job's class path ({@code File.pathSeparator}-separated), then the job's flags.
 */
public final class IsolatedJobLauncher {
  private IsolatedJobLauncher() {}

  public static void main(String[] args) throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : args[0].split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        urls.add(new File(entry).toURI().toURL());
      }
    }
    try (URLClassLoader loader =
        new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      Thread.currentThread().setContextClassLoader(loader);
      Method main =
          loader.loadClass("io.ctrstream.pipeline.CtrPipeline").getMethod("main", String[].class);
      main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    }
  }
}
