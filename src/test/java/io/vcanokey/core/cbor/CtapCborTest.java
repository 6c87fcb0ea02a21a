package io.vcanokey.core.cbor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.upokecenter.cbor.CBORObject;
import io.vcanokey.core.bytes.Hex;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CtapCborTest {

  @Test
  @DisplayName("CTAP 2.1 8: map keys sorted by major type, then length, then bytes")
  void encode_mapInsertedOutOfOrder_sortsKeysCanonically() {
    CBORObject map = CBORObject.NewMap();
    map.Add("bb", 1);
    map.Add(-1, 2);
    map.Add("a", 3);
    map.Add(10, 4);
    map.Add(1, 5);

    // 1 (00 01), 10 (0A), -1 (20), "a" (61 61), "bb" (62 6262): RFC 8949 heads.
    assertThat(Hex.encode(CtapCbor.encode(map)))
        .isEqualTo("A5" + "0105" + "0A04" + "2002" + "616103" + "62626201");
  }

  @Test
  @DisplayName("CTAP 2.1 8: integers take their shortest form")
  void encode_integers_shortestForm() {
    assertThat(Hex.encode(CtapCbor.encode(CBORObject.FromObject(23)))).isEqualTo("17");
    assertThat(Hex.encode(CtapCbor.encode(CBORObject.FromObject(24)))).isEqualTo("1818");
    assertThat(Hex.encode(CtapCbor.encode(CBORObject.FromObject(256)))).isEqualTo("190100");
    assertThat(Hex.encode(CtapCbor.encode(CBORObject.FromObject(65536)))).isEqualTo("1A00010000");
    assertThat(Hex.encode(CtapCbor.encode(CBORObject.FromObject(-25)))).isEqualTo("3818");
  }

  @Test
  @DisplayName("CTAP 2.1 8: at most four levels of nesting")
  void encode_fiveLevels_throws() {
    CBORObject deep =
        CBORObject.NewArray()
            .Add(
                CBORObject.NewArray()
                    .Add(
                        CBORObject.NewArray()
                            .Add(CBORObject.NewArray().Add(CBORObject.NewArray()))));

    assertThatThrownBy(() -> CtapCbor.encode(deep)).isInstanceOf(IllegalArgumentException.class);
  }
}
