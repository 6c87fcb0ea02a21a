package io.vcanokey.usb.ccid;

import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.core.bytes.Hex;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CcidClassDescriptorTest {

  @Test
  @DisplayName("CCID 5.1 table 5.1-1 layout with the values of the canokey-core inventory, 1.6")
  void encode_referenceValues_54Bytes() {
    byte[] expected =
        Hex.decode(
            "36 21 10 01 00 07" // bLength, type, bcdCCID 1.10, bMaxSlotIndex 0, 5/3/1.8 V
                + " 02 00 00 00" // dwProtocols: T=1
                + " A0 0F 00 00 A0 0F 00 00 00" // 4000 kHz default and maximum; no list
                + " 00 B0 04 00 00 B0 04 00 00" // 307200 bps default and maximum; no list
                + " 3E 05 00 00" // dwMaxIFSD 1342
                + " 00 00 00 00 00 00 00 00" // dwSynchProtocols, dwMechanical
                + " FE 00 04 00" // dwFeatures
                + " 48 05 00 00" // dwMaxCCIDMessageLength 1352
                + " FF FF 00 00 00 01"); // class bytes, no LCD, no PIN pad, 1 busy slot

    assertThat(CcidClassDescriptor.encode()).isEqualTo(expected);
  }
}
