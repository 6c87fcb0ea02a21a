package io.vcanokey.applet.fido.ctap2;

import com.upokecenter.cbor.CBORObject;
import com.upokecenter.cbor.CBORType;
import io.vcanokey.core.cbor.CtapCbor;
import java.util.Optional;

/**
 * Typed access to the members of a CTAP2 request map (CTAP 2.1, section 8: parameters are a CBOR
 * map; 6.1 and 6.2 list each member's type). A missing required member raises
 * CTAP2_ERR_MISSING_PARAMETER; a member of the wrong CBOR type raises
 * CTAP2_ERR_CBOR_UNEXPECTED_TYPE.
 */
final class CborParams {

  private final CBORObject map;

  private CborParams(CBORObject map) {
    this.map = map;
  }

  /** Wraps a map; anything else is CTAP2_ERR_CBOR_UNEXPECTED_TYPE. */
  static CborParams of(CBORObject item, String what) {
    if (item == null || item.getType() != CBORType.Map) {
      throw unexpected(what + " is not a map");
    }
    return new CborParams(item);
  }

  /** Decodes the request parameters: one CBOR data item that must be a map. */
  static CborParams decode(byte[] request, int offset) {
    if (request.length <= offset) {
      throw new CtapException(CtapStatus.CTAP2_ERR_MISSING_PARAMETER, "no parameters");
    }
    CBORObject item;
    try {
      item =
          CtapCbor.decodeCanonical(java.util.Arrays.copyOfRange(request, offset, request.length));
    } catch (IllegalArgumentException e) {
      throw new CtapException(
          CtapStatus.CTAP2_ERR_INVALID_CBOR,
          "parameters are not canonical CBOR: " + e.getMessage());
    }
    return of(item, "parameters");
  }

  Optional<CBORObject> get(Object key) {
    return Optional.ofNullable(map.GetOrDefault(CBORObject.FromObject(key), null));
  }

  private CBORObject require(Object key, String name) {
    return get(key)
        .orElseThrow(
            () -> new CtapException(CtapStatus.CTAP2_ERR_MISSING_PARAMETER, name + " missing"));
  }

  byte[] bytes(Object key, String name) {
    return asBytes(require(key, name), name);
  }

  Optional<byte[]> optionalBytes(Object key, String name) {
    return get(key).map(v -> asBytes(v, name));
  }

  String text(Object key, String name) {
    return asText(require(key, name), name);
  }

  Optional<String> optionalText(Object key, String name) {
    return get(key).map(v -> asText(v, name));
  }

  CborParams map(Object key, String name) {
    return of(require(key, name), name);
  }

  Optional<CborParams> optionalMap(Object key, String name) {
    return get(key).map(v -> of(v, name));
  }

  CBORObject array(Object key, String name) {
    return asArray(require(key, name), name);
  }

  Optional<CBORObject> optionalArray(Object key, String name) {
    return get(key).map(v -> asArray(v, name));
  }

  Optional<Long> optionalInt(Object key, String name) {
    return get(key).map(v -> asInt(v, name));
  }

  long integer(Object key, String name) {
    return asInt(require(key, name), name);
  }

  Optional<Boolean> optionalBool(Object key, String name) {
    return get(key)
        .map(
            v -> {
              if (v.getType() != CBORType.Boolean) {
                throw unexpected(name + " is not a boolean");
              }
              return v.AsBoolean();
            });
  }

  /** Every key of an options map must be text and every value a boolean (CTAP 2.1, 6.1). */
  void requireTextKeysBooleanValues(String name) {
    for (CBORObject key : map.getKeys()) {
      if (key.getType() != CBORType.TextString) {
        throw unexpected(name + " has a key that is not text");
      }
      if (map.get(key).getType() != CBORType.Boolean) {
        throw unexpected(name + " member " + key.AsString() + " is not a boolean");
      }
    }
  }

  static byte[] asBytes(CBORObject value, String name) {
    if (value.getType() != CBORType.ByteString || value.isTagged()) {
      throw unexpected(name + " is not a byte string");
    }
    return value.GetByteString();
  }

  static String asText(CBORObject value, String name) {
    if (value.getType() != CBORType.TextString || value.isTagged()) {
      throw unexpected(name + " is not a text string");
    }
    return value.AsString();
  }

  static CBORObject asArray(CBORObject value, String name) {
    if (value.getType() != CBORType.Array) {
      throw unexpected(name + " is not an array");
    }
    return value;
  }

  static long asInt(CBORObject value, String name) {
    if (value.getType() != CBORType.Integer || value.isTagged() || !value.CanValueFitInInt64()) {
      throw unexpected(name + " is not an integer");
    }
    return value.AsInt64Value();
  }

  private static CtapException unexpected(String reason) {
    return new CtapException(CtapStatus.CTAP2_ERR_CBOR_UNEXPECTED_TYPE, reason);
  }
}
