package io.vcanokey.guest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resolves kernel modules and their dependencies from a kernel's {@code modules.dep} (written by
 * depmod(8): one line per module, "path: dependency-path ..."), in an order that insmod can load
 * them: every module after all of its dependencies.
 */
final class KernelModules {

  private final Path moduleRoot;
  private final Map<String, String> pathByName = new LinkedHashMap<>();
  private final Map<String, List<String>> dependencies = new LinkedHashMap<>();

  private KernelModules(Path moduleRoot) {
    this.moduleRoot = moduleRoot;
  }

  /** Reads {@code moduleRoot/modules.dep}, e.g. for /lib/modules/6.1.0-57-amd64. */
  static KernelModules read(Path moduleRoot) throws IOException {
    KernelModules modules = new KernelModules(moduleRoot);
    for (String line : Files.readAllLines(moduleRoot.resolve("modules.dep"))) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String path = line.substring(0, colon).trim();
      String name = nameOf(path);
      modules.pathByName.put(name, path);
      List<String> deps = new ArrayList<>();
      for (String dep : line.substring(colon + 1).trim().split("\\s+")) {
        if (!dep.isEmpty()) {
          deps.add(nameOf(dep));
        }
      }
      modules.dependencies.put(name, deps);
    }
    return modules;
  }

  /**
   * Module names with their dependencies, dependencies first. Names may use '-' or '_'.
   *
   * @throws IllegalArgumentException if a module is not in modules.dep (built in or absent)
   */
  List<String> loadOrder(List<String> wanted) {
    Set<String> ordered = new LinkedHashSet<>();
    for (String name : wanted) {
      visit(normalize(name), ordered, new LinkedHashSet<>());
    }
    return List.copyOf(ordered);
  }

  /** The module's .ko file. */
  Path file(String name) {
    String path = pathByName.get(normalize(name));
    if (path == null) {
      throw new IllegalArgumentException("no module " + name + " in " + moduleRoot);
    }
    return moduleRoot.resolve(path);
  }

  private void visit(String name, Set<String> ordered, Set<String> inProgress) {
    if (ordered.contains(name)) {
      return;
    }
    if (!dependencies.containsKey(name)) {
      throw new IllegalArgumentException(
          "module " + name + " is not in " + moduleRoot + "/modules.dep (built in or missing)");
    }
    if (!inProgress.add(name)) {
      throw new IllegalArgumentException("dependency cycle through module " + name);
    }
    for (String dep : dependencies.get(name)) {
      visit(dep, ordered, inProgress);
    }
    ordered.add(name);
  }

  /** "kernel/drivers/usb/common/usb-common.ko" becomes "usb_common", as the kernel names it. */
  private static String nameOf(String path) {
    String file = path.substring(path.lastIndexOf('/') + 1);
    int dot = file.indexOf(".ko");
    return normalize(dot < 0 ? file : file.substring(0, dot));
  }

  private static String normalize(String name) {
    return name.replace('-', '_');
  }
}
