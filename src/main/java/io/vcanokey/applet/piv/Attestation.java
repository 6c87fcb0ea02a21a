package io.vcanokey.applet.piv;

import io.vcanokey.core.apdu.BerTlv;
import io.vcanokey.core.crypto.CardKey;
import io.vcanokey.core.crypto.KeyType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.DigestInfo;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;

/**
 * PIV key attestation as YubiKeys do it (Yubico, "PIV attestation"): an attestation key in slot F9
 * with its certificate in object 5FFF01, and for each key generated on the card an X.509
 * certificate (RFC 5280) signed by that key, naming the slot and carrying Yubico's extensions
 * 1.3.6.1.4.1.41482.3.3 (firmware version), .3.7 (serial number), .3.8 (PIN and touch policy) and
 * .3.9 (form factor).
 *
 * <p>The attestation key is made at first use: a P-256 key and a self-signed CA certificate
 * "CN=CanoKey PIV Attestation" (a YubiKey's is signed by Yubico's root instead). Both may be
 * replaced by IMPORT into F9 and PUT DATA of 5FFF01, as on a YubiKey.
 */
final class Attestation {

  static final ASN1ObjectIdentifier OID_FIRMWARE =
      new ASN1ObjectIdentifier("1.3.6.1.4.1.41482.3.3");
  static final ASN1ObjectIdentifier OID_SERIAL = new ASN1ObjectIdentifier("1.3.6.1.4.1.41482.3.7");
  static final ASN1ObjectIdentifier OID_POLICY = new ASN1ObjectIdentifier("1.3.6.1.4.1.41482.3.8");
  static final ASN1ObjectIdentifier OID_FORM_FACTOR =
      new ASN1ObjectIdentifier("1.3.6.1.4.1.41482.3.9");

  /** Form factor byte: 00 "unspecified", since a virtual key has none of Yubico's shapes. */
  static final byte FORM_FACTOR_UNSPECIFIED = 0x00;

  static final X500Name ISSUER = new X500Name("CN=CanoKey PIV Attestation");

  /** The attestation CA certificate's lifetime: twenty years from its creation. */
  static final Duration LIFETIME = Duration.ofDays(365L * 20);

  // The PIV certificate container (SP 800-73-4 part 1, appendix A, table 10): 70 the DER
  // certificate, 71 the CertInfo byte (00: not compressed), FE the error detection code.
  static final int TAG_CERTIFICATE = 0x70;
  static final int TAG_CERT_INFO = 0x71;
  static final int TAG_ERROR_DETECTION_CODE = 0xFE;

  private final PivStore store;
  private final SecureRandom random;

  Attestation(PivStore store, SecureRandom random) {
    this.store = store;
    this.random = random;
  }

  /** Makes the attestation key and its certificate if slot F9 holds no key yet. */
  void provision() {
    String keyRecord = PivStore.key(PivSlot.ATTESTATION.reference);
    if (store.get(keyRecord).isPresent()) {
      return;
    }
    CardKey key = CardKey.generate(KeyType.NIST_P256, random);
    KeyRecord record =
        new KeyRecord(
            PivAlgorithm.ECC_P256,
            KeyPolicy.PIN_NEVER,
            KeyPolicy.TOUCH_NEVER,
            KeyRecord.ORIGIN_GENERATED,
            key);
    Instant now = Instant.now();
    X509v3CertificateBuilder builder =
        new X509v3CertificateBuilder(
            ISSUER,
            serialNumber(),
            Date.from(now.minus(Duration.ofDays(1))),
            Date.from(now.plus(LIFETIME)),
            ISSUER,
            subjectPublicKeyInfo(record));
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } catch (CertIOException e) {
      throw new IllegalStateException("encoding an extension in memory cannot fail", e);
    }
    byte[] certificate = encode(builder.build(new CardKeySigner(key)));
    byte[] container = container(certificate);
    byte[] encoded = record.encode();
    store.update(
        tx ->
            tx.put(keyRecord, encoded)
                .put(PivStore.dataObject(PivSlot.ATTESTATION.certificateTag), container));
  }

  /**
   * The attestation certificate of {@code key} in {@code slot}, signed by the key in F9 and issued
   * in the name of the certificate in 5FFF01 (or the default name when that object is no
   * certificate). Subject "CN=CanoKey PIV Attestation 9A".
   *
   * @throws io.vcanokey.core.apdu.StatusException 6985 when F9 holds a key that cannot sign
   */
  byte[] certify(PivSlot slot, KeyRecord key, byte[] serial, byte[] firmware) {
    provision();
    KeyRecord signer =
        store
            .get(PivStore.key(PivSlot.ATTESTATION.reference))
            .flatMap(KeyRecord::decode)
            .filter(k -> !k.key().type().isMontgomery())
            .orElseThrow(
                () ->
                    new io.vcanokey.core.apdu.StatusException(
                        io.vcanokey.core.apdu.StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED));
    Optional<X509CertificateHolder> issuerCertificate = issuerCertificate();
    X500Name issuer = issuerCertificate.map(X509CertificateHolder::getSubject).orElse(ISSUER);
    Instant now = Instant.now();
    Date notBefore =
        issuerCertificate
            .map(X509CertificateHolder::getNotBefore)
            .orElse(Date.from(now.minus(Duration.ofDays(1))));
    Date notAfter =
        issuerCertificate
            .map(X509CertificateHolder::getNotAfter)
            .orElse(Date.from(now.plus(LIFETIME)));

    X509v3CertificateBuilder builder =
        new X509v3CertificateBuilder(
            issuer,
            serialNumber(),
            notBefore,
            notAfter,
            new X500Name("CN=CanoKey PIV Attestation " + slot.label()),
            subjectPublicKeyInfo(key));
    try {
      builder.addExtension(OID_FIRMWARE, false, firmware.clone());
      builder.addExtension(
          OID_SERIAL, false, new ASN1Integer(new BigInteger(1, serial)).getEncoded());
      builder.addExtension(
          OID_POLICY, false, new byte[] {(byte) key.pinPolicy(), (byte) key.touchPolicy()});
      builder.addExtension(OID_FORM_FACTOR, false, new byte[] {FORM_FACTOR_UNSPECIFIED});
    } catch (IOException e) {
      throw new IllegalStateException("encoding an extension in memory cannot fail", e);
    }
    return encode(builder.build(new CardKeySigner(signer.key())));
  }

  private Optional<X509CertificateHolder> issuerCertificate() {
    return store
        .get(PivStore.dataObject(PivSlot.ATTESTATION.certificateTag))
        .flatMap(Attestation::certificateOf);
  }

  /** The DER certificate in a PIV certificate container (tag 70), if it parses. */
  static Optional<X509CertificateHolder> certificateOf(byte[] container) {
    try {
      for (BerTlv.Element e : BerTlv.decodeAll(container)) {
        if (e.tag() == TAG_CERTIFICATE) {
          return Optional.of(new X509CertificateHolder(e.value()));
        }
      }
    } catch (RuntimeException | IOException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /** A certificate as the PIV container holds it: 70 cert, 71 00, FE 00. */
  static byte[] container(byte[] certificate) {
    return new BerTlv.Writer()
        .put(TAG_CERTIFICATE, certificate)
        .put(TAG_CERT_INFO, new byte[] {0x00})
        .put(TAG_ERROR_DETECTION_CODE, new byte[0])
        .toByteArray();
  }

  /** The subject public key info (RFC 5280, 4.1.2.7) of a slot's key. */
  static SubjectPublicKeyInfo subjectPublicKeyInfo(KeyRecord record) {
    CardKey key = record.key();
    KeyType type = key.type();
    try {
      if (type.isRsa()) {
        return new SubjectPublicKeyInfo(
            new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
            new RSAPublicKey(key.modulus(), key.publicExponent()));
      }
      if (type.isEdwards()) {
        return new SubjectPublicKeyInfo(
            new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519), key.publicKey());
      }
      if (type.isMontgomery()) {
        return new SubjectPublicKeyInfo(
            new AlgorithmIdentifier(EdECObjectIdentifiers.id_X25519), key.publicKey());
      }
      return new SubjectPublicKeyInfo(
          new AlgorithmIdentifier(
              X9ObjectIdentifiers.id_ecPublicKey, new ASN1ObjectIdentifier(curveOid(type))),
          key.publicKey());
    } catch (IOException e) {
      throw new IllegalStateException("encoding a public key in memory cannot fail", e);
    }
  }

  private static String curveOid(KeyType type) {
    return switch (type) {
      case NIST_P256 -> "1.2.840.10045.3.1.7";
      case NIST_P384 -> "1.3.132.0.34";
      default -> throw new IllegalArgumentException("no PIV curve " + type);
    };
  }

  private BigInteger serialNumber() {
    return new BigInteger(63, random).add(BigInteger.ONE);
  }

  private static byte[] encode(X509CertificateHolder certificate) {
    try {
      return certificate.getEncoded();
    } catch (IOException e) {
      throw new IllegalStateException("encoding a certificate in memory cannot fail", e);
    }
  }

  /**
   * A BouncyCastle content signer backed by a card key: ECDSA with SHA-256 (P-256) or SHA-384
   * (P-384), RSA PKCS #1 v1.5 with SHA-256, or Ed25519 (RFC 8410).
   */
  static final class CardKeySigner implements ContentSigner {
    private final CardKey key;
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();

    CardKeySigner(CardKey key) {
      this.key = key;
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
      KeyType type = key.type();
      if (type.isRsa()) {
        return new AlgorithmIdentifier(
            PKCSObjectIdentifiers.sha256WithRSAEncryption, DERNull.INSTANCE);
      }
      if (type.isEdwards()) {
        return new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519);
      }
      return new AlgorithmIdentifier(
          type == KeyType.NIST_P384
              ? X9ObjectIdentifiers.ecdsa_with_SHA384
              : X9ObjectIdentifiers.ecdsa_with_SHA256);
    }

    @Override
    public OutputStream getOutputStream() {
      return data;
    }

    @Override
    public byte[] getSignature() {
      byte[] message = data.toByteArray();
      KeyType type = key.type();
      try {
        if (type.isEdwards()) {
          return key.signEd25519(message);
        }
        if (type.isRsa()) {
          byte[] digest = MessageDigest.getInstance("SHA-256").digest(message);
          DigestInfo info =
              new DigestInfo(
                  new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE),
                  digest);
          return key.signPkcs1(info.getEncoded());
        }
        String hash = type == KeyType.NIST_P384 ? "SHA-384" : "SHA-256";
        return key.signEcdsaDer(MessageDigest.getInstance(hash).digest(message));
      } catch (NoSuchAlgorithmException | IOException e) {
        throw new IllegalStateException("the JDK lacks SHA-2 or DER encoding failed", e);
      }
    }
  }
}
