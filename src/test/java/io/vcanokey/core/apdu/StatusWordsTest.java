package io.vcanokey.core.apdu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StatusWordsTest {

  @Test
  @DisplayName(
      "ISO 7816-4:2005 5.1.3 table 6: 61XX gives the remaining bytes; 6100 for 256 or more")
  void bytesRemaining_countAbove255_6100() {
    assertThat(StatusWords.bytesRemaining(0x10)).isEqualTo(0x6110);
    assertThat(StatusWords.bytesRemaining(255)).isEqualTo(0x61FF);
    assertThat(StatusWords.bytesRemaining(256)).isEqualTo(0x6100);
    assertThat(StatusWords.bytesRemaining(1000)).isEqualTo(0x6100);
  }

  @Test
  @DisplayName(
      "ISO 7816-4:2005 5.1.3 table 6: 63CX carries a counter, 6CXX the exact Le (00 for 256)")
  void counterAndWrongLe_fillSecondByte() {
    assertThat(StatusWords.counter(3)).isEqualTo(0x63C3);
    assertThat(StatusWords.wrongLe(0x20)).isEqualTo(0x6C20);
    assertThat(StatusWords.wrongLe(256)).isEqualTo(0x6C00);
  }

  @Test
  void isNormal_9000And61xx_true() {
    assertThat(StatusWords.isNormal(0x9000)).isTrue();
    assertThat(StatusWords.isNormal(0x6105)).isTrue();
    assertThat(StatusWords.isNormal(0x6A82)).isFalse();
  }
}
