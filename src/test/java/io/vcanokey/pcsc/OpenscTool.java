package io.vcanokey.pcsc;

import io.vcanokey.core.bytes.Hex;
import io.vcanokey.guest.HostTools;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenSC's {@code opensc-tool -c default -s APDU ...}: sends raw APDUs in one card session with
 * OpenSC's default card driver (which adds no APDUs of its own) through the real pcscd, and reads
 * back what opensc-tool printed for each: "Received (SW1=0x90, SW2=0x00):" followed by a hex dump
 * of the data.
 */
public final class OpenscTool {

  /** One response as opensc-tool printed it. */
  public record Response(byte[] data, int sw) {
    public String hex() {
      return Hex.encode(data);
    }
  }

  private static final Pattern RECEIVED =
      Pattern.compile("Received \\(SW1=0x([0-9a-fA-F]{2}), SW2=0x([0-9a-fA-F]{2})\\)");

  private OpenscTool() {}

  /** Sends {@code apdus} (hex, spaces allowed) in one session to {@code reader}. */
  public static List<Response> send(String reader, Path logDir, String... apdus) {
    HostTools.requireCommand("opensc-tool", "opensc");
    // -c default: with a card driver that knows the card (PIV-II finds our PIV application first),
    // OpenSC reselects that driver's application whenever it takes the card lock, between our
    // APDUs; the default driver sends only what it is given.
    List<String> command = new ArrayList<>(List.of("opensc-tool", "-c", "default", "-r", reader));
    for (String apdu : apdus) {
      command.add("-s");
      command.add(apdu.replace(" ", ""));
    }
    String output =
        HostTools.run(command, logDir.resolve("opensc-tool.err"), Duration.ofSeconds(60));
    List<Response> responses = parse(output);
    if (responses.size() != apdus.length) {
      throw new AssertionError(
          "opensc-tool answered " + responses.size() + " of " + apdus.length + ":\n" + output);
    }
    return responses;
  }

  /**
   * One line of opensc-tool's hex dump: n bytes (at most 16) as "XX ", then their n-character ASCII
   * column, which on a short last line may start at column 48 after padding.
   */
  private static byte[] dumpLine(String line) {
    for (int n = 16; n >= 1; n--) {
      if (line.length() < 4 * n || !line.substring(0, 3 * n).matches("([0-9A-Fa-f]{2} )+")) {
        continue;
      }
      boolean unpadded = line.length() == 4 * n;
      boolean padded = line.length() == 48 + n && line.substring(3 * n, 48).isBlank();
      if (unpadded || padded) {
        return Hex.decode(line.substring(0, 3 * n));
      }
    }
    throw new AssertionError("unexpected opensc-tool dump line: " + line);
  }

  static List<Response> parse(String output) {
    List<Response> responses = new ArrayList<>();
    String[] lines = output.split("\n");
    for (int i = 0; i < lines.length; i++) {
      Matcher m = RECEIVED.matcher(lines[i]);
      if (!m.find()) {
        continue;
      }
      int sw = Integer.parseInt(m.group(1) + m.group(2), 16);
      ByteArrayOutputStream data = new ByteArrayOutputStream();
      while (i + 1 < lines.length
          && !lines[i + 1].startsWith("Sending:")
          && !RECEIVED.matcher(lines[i + 1]).find()
          && !lines[i + 1].isBlank()) {
        i++;
        data.writeBytes(dumpLine(lines[i]));
      }
      responses.add(new Response(data.toByteArray(), sw));
    }
    return responses;
  }
}
