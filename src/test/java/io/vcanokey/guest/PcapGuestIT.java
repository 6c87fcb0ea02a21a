package io.vcanokey.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key's debugging aids on a real guest session: {@code --trace} prints named events, and the
 * {@code --pcap} capture opens in Wireshark's tshark with the HID and CCID traffic dissected
 * (PROTOCOLS.md section 6: link type 220, usbmon records).
 *
 * <p>What tshark 4.0 needs, found with captures made here:
 *
 * <ul>
 *   <li>No options. Wireshark learns each endpoint's interface class from the GET_DESCRIPTOR
 *       (configuration) completion in the capture and then dissects bulk traffic as {@code usbccid}
 *       and interrupt traffic as {@code usbhid}. A capture without the descriptor completions shows
 *       bare "URB_BULK" and "URB_INTERRUPT" frames.
 *   <li>The display filter {@code usbhid} matches only HID class requests and descriptors; HID
 *       reports carry the field {@code usbhid.data}, so filter on that.
 *   <li>QEMU's own {@code -device usb-redir,...,pcap=FILE} omits the completions of asynchronous
 *       control transfers, which for usb-redir means every descriptor reply, so its captures need
 *       {@code -d usb.device==0x0000000N,usbccid} (bus << 16 | address), which forces CCID onto the
 *       HID endpoints too. {@code -d usb.bulk==...,usbccid} is refused by tshark 4.0.
 * </ul>
 */
class PcapGuestIT {

  /** Inventory section 1.6: the ATR, as tshark prints bytes. */
  private static final String ATR_HEX = "3bf71100008131fe6543616e6f6b657999";

  @TempDir Path temp;

  @Test
  @DisplayName("--pcap: tshark dissects CTAPHID (usbhid) and CCID (usbccid); --trace names events")
  void pcap_guestSession_tsharkDissectsHidAndCcid() {
    Path tshark = HostTools.requireCommand("tshark", "tshark");
    HostTools.requireCommand("pcscd", "pcscd");
    HostTools.requireCommand("opensc-tool", "opensc");
    Path pcap = temp.resolve("key.pcap");

    GuestResult result;
    String keyLog;
    try (KeyProcess key =
        KeyProcess.start(
            "pcap",
            temp.resolve("key.db"),
            "--pcap",
            pcap.toString(),
            "--trace",
            "canokey_*",
            "--debug")) {
      result =
          Guest.named("pcap")
              .controller(UsbController.XHCI)
              .usbRedir(key.socket())
              .script(
                  GuestChecks.enumerate(1) + GuestChecks.ctaphid(1, "1024") + GuestChecks.pcsc(1))
              .run()
              .requireCompleted();
      keyLog = key.logText();
    } // the key flushes and closes the capture when it stops
    GuestChecks.assertCtaphid(result, 1, 1024);
    GuestChecks.assertPcsc(result, 1);
    assertThat(pcap).isRegularFile();
    Path stderr = result.runDir().resolve("tshark.err");

    // The device descriptor reply is in the capture, so Wireshark can name the device.
    assertThat(tshark(tshark, pcap, stderr, "usb.idVendor==0x20a0 && usb.idProduct==0x42d4"))
        .isNotEmpty();
    // CTAP 2.1 11.2.9.1.3: CTAPHID_INIT (0x86) on the broadcast channel, 8-byte nonce request
    // and 17-byte reply.
    List<String> hid = tshark(tshark, pcap, stderr, "usbhid.data", "usbhid.data");
    assertThat(hid).anyMatch(l -> l.startsWith("ffffffff860008"));
    assertThat(hid).anyMatch(l -> l.startsWith("ffffffff860011"));
    // CCID rev 1.1 6.1.1 / 6.2.1: PC_to_RDR_IccPowerOn (0x62) answered by RDR_to_PC_DataBlock
    // (0x80) carrying the ATR.
    assertThat(tshark(tshark, pcap, stderr, "usbccid", "usbccid.bMessageType"))
        .contains("0x62", "0x80");
    assertThat(tshark(tshark, pcap, stderr, "usbccid.bMessageType==0x80", "data.data"))
        .contains(ATR_HEX);
    saveSummary(tshark, pcap, result.runDir());

    // README "Command line": --trace prints the named events (QEMU's canokey trace-event names).
    assertThat(keyLog).contains("canokey_handle_control_setup", "canokey_set_configuration");
  }

  /** Frames matching {@code filter}, one line each, or the given fields of each. */
  private static List<String> tshark(
      Path tshark, Path pcap, Path stderr, String filter, String... fields) {
    List<String> command = new ArrayList<>(List.of(tshark.toString(), "-r", pcap.toString()));
    command.addAll(List.of("-Y", filter));
    if (fields.length > 0) {
      command.addAll(List.of("-T", "fields"));
      for (String field : fields) {
        command.addAll(List.of("-e", field));
      }
    }
    return HostTools.run(command, stderr, Duration.ofSeconds(60)).lines().toList();
  }

  /** Keeps tshark's one-line summary of the capture beside the run, for people debugging. */
  private static void saveSummary(Path tshark, Path pcap, Path runDir) {
    try {
      Files.copy(pcap, runDir.resolve("key.pcap"));
      Files.writeString(
          runDir.resolve("tshark.txt"),
          HostTools.run(
              List.of(tshark.toString(), "-r", pcap.toString()),
              runDir.resolve("tshark.err"),
              Duration.ofSeconds(60)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
