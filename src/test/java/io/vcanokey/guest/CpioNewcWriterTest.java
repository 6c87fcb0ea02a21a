package io.vcanokey.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks {@link CpioNewcWriter} output with busybox cpio, an independent newc reader. */
class CpioNewcWriterTest {

  @TempDir Path temp;

  @Test
  @DisplayName("newc: header fields and 4-byte padding as the kernel's buffer-format.rst defines")
  void close_emptyArchive_writesOnlyTheTrailer() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new CpioNewcWriter(bytes).close();

    String text = bytes.toString(StandardCharsets.US_ASCII);
    // 110-byte header + "TRAILER!!!\0" (11 bytes) = 121, padded to 124.
    assertThat(bytes.size()).isEqualTo(124);
    assertThat(text).startsWith("070701").contains("TRAILER!!!");
    // c_namesize is the 12th field: offset 6 + 11 * 8.
    assertThat(text.substring(94, 102)).isEqualTo("0000000B");
  }

  @Test
  void file_oddSizes_busyboxListsAndExtractsThem() throws IOException {
    Path busybox = HostTools.requireFile(Path.of("/bin/busybox"), "busybox");
    Path archive = temp.resolve("test.cpio");
    byte[] odd = "seven b".getBytes(StandardCharsets.US_ASCII);
    byte[] binary = new byte[1025];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) (i * 31);
    }
    try (var out = Files.newOutputStream(archive);
        CpioNewcWriter cpio = new CpioNewcWriter(out)) {
      cpio.directory("dir", 0755);
      cpio.file("dir/odd.txt", 0644, odd);
      cpio.file("bin", 0755, binary);
      cpio.characterDevice("console", 0600, 5, 1);
    }

    String listing =
        HostTools.run(
            List.of(busybox.toString(), "cpio", "-t", "-v", "-F", archive.toString()),
            temp.resolve("list.err"),
            Duration.ofSeconds(10));
    assertThat(listing.lines().toList())
        .hasSize(4)
        .anySatisfy(l -> assertThat(l).startsWith("drwxr-xr-x").endsWith(" dir"))
        .anySatisfy(
            l -> assertThat(l).startsWith("-rw-r--r--").contains(" 7 ").endsWith(" dir/odd.txt"))
        .anySatisfy(l -> assertThat(l).startsWith("-rwxr-xr-x").contains(" 1025 ").endsWith(" bin"))
        .anySatisfy(l -> assertThat(l).startsWith("crw-------").endsWith(" console"));

    Path extracted = Files.createDirectory(temp.resolve("x"));
    HostTools.run(
        List.of(
            "/bin/sh",
            "-c",
            "cd '"
                + extracted
                + "' && '"
                + busybox
                + "' cpio -i -d -F '"
                + archive
                + "' dir/odd.txt bin"),
        temp.resolve("extract.err"),
        Duration.ofSeconds(10));
    assertThat(extracted.resolve("dir/odd.txt")).hasBinaryContent(odd);
    assertThat(extracted.resolve("bin")).hasBinaryContent(binary);
  }
}
