package io.vcanokey.applet.admin;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The firmware version string that admin READ VERSION reports (canokey-core inventory, section 8:
 * the reference reports its {@code git describe}). Ours is the project version: the jar manifest's
 * Implementation-Version if present, else the version in the pom.properties that Maven packs into
 * the jar, else {@value #DEVELOPMENT} for classes run from a build directory.
 */
final class FirmwareVersion {

  static final String DEVELOPMENT = "0.0.0-development";

  private static final String POM_PROPERTIES =
      "/META-INF/maven/io.vcanokey/vcanokey/pom.properties";

  private static final String VERSION = find();

  private FirmwareVersion() {}

  static String get() {
    return VERSION;
  }

  private static String find() {
    String manifest = FirmwareVersion.class.getPackage().getImplementationVersion();
    if (manifest != null && !manifest.isBlank()) {
      return manifest;
    }
    try (InputStream in = FirmwareVersion.class.getResourceAsStream(POM_PROPERTIES)) {
      if (in != null) {
        Properties properties = new Properties();
        properties.load(in);
        String version = properties.getProperty("version");
        if (version != null && !version.isBlank()) {
          return version;
        }
      }
    } catch (IOException e) {
      // fall through to the development version
    }
    return DEVELOPMENT;
  }
}
