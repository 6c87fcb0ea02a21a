package io.vcanokey.key;

import io.vcanokey.storage.StateFile;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * First-use provisioning of a new state file, the counterpart of the original's fabrication step
 * (canokey-core inventory 10.2): a random serial number, a FIDO attestation key pair with its
 * certificate, the FIDO key-wrapping secrets, and the admin PIN at its default.
 *
 * <p>Where the original gives every virtual key the same fixed attestation key, each of our keys
 * gets its own: a P-256 attestation key, certified by a root certificate made for this key file
 * alone (whose private key is discarded after signing). The attestation certificate follows
 * WebAuthn Level 2, section 8.2.1 (packed attestation certificate requirements): version 3, subject
 * C, O, OU "Authenticator Attestation" and CN, basicConstraints CA false, and the
 * id-fido-gen-ce-aaguid extension (1.3.6.1.4.1.45724.1.1.4) holding the AAGUID.
 *
 * <p>Other applets install their own defaults (PINs, keys) the first time they find their records
 * missing, as the original's applets do at boot.
 */
public final class Provisioning {

  /** Record names written here. */
  public static final String SERIAL_NUMBER = "admin/sn";

  public static final String ADMIN_PIN = "admin/pin";
  public static final String ADMIN_PIN_RETRIES = "admin/pin-retries";
  public static final String ATTESTATION_KEY = "fido/attestation-key";
  public static final String ATTESTATION_CERT = "fido/attestation-cert";
  public static final String ATTESTATION_ROOT_CERT = "fido/attestation-root-cert";
  public static final String KEY_HANDLE_KEY = "fido/kh-key";
  public static final String HMAC_SECRET_KEY = "fido/he-key";
  public static final String SIGNATURE_COUNTER = "fido/sign-counter";

  /** The default admin PIN and its retry count (inventory section 8). */
  static final byte[] DEFAULT_ADMIN_PIN = {'1', '2', '3', '4', '5', '6'};

  static final int DEFAULT_ADMIN_PIN_RETRIES = 3;

  /** The CanoKey AAGUID (inventory 3.3). */
  public static final UUID AAGUID = UUID.fromString("244eb29e-e090-4e49-81fe-1f20f8d3b8f4");

  private static final ASN1ObjectIdentifier ID_FIDO_GEN_CE_AAGUID =
      new ASN1ObjectIdentifier("1.3.6.1.4.1.45724.1.1.4");

  private Provisioning() {}

  /** Writes every provisioned record into {@code state} in one atomic update. */
  public static void provision(StateFile state, SecureRandom random) throws IOException {
    // Positive as a signed 32-bit number, as YubiKey serials are: yubico-piv-tool prints the PIV
    // serial with %d, and a serial with the top bit set came out negative.
    byte[] serial = new byte[4];
    do {
      random.nextBytes(serial);
      serial[0] &= 0x7F;
    } while (ByteBuffer.wrap(serial).getInt() == 0);
    String serialHex = String.format("%08X", ByteBuffer.wrap(serial).getInt());

    Attestation attestation;
    try {
      attestation = makeAttestation(serialHex, random);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot create the attestation certificate", e);
    }

    byte[] keyHandleKey = new byte[32];
    byte[] hmacSecretKey = new byte[32];
    random.nextBytes(keyHandleKey);
    random.nextBytes(hmacSecretKey);

    state.update(
        tx ->
            tx.put(SERIAL_NUMBER, serial)
                .put(ADMIN_PIN, DEFAULT_ADMIN_PIN)
                .put(ADMIN_PIN_RETRIES, new byte[] {DEFAULT_ADMIN_PIN_RETRIES})
                .put(ATTESTATION_KEY, attestation.privateKey)
                .put(ATTESTATION_CERT, attestation.certificate)
                .put(ATTESTATION_ROOT_CERT, attestation.rootCertificate)
                .put(KEY_HANDLE_KEY, keyHandleKey)
                .put(HMAC_SECRET_KEY, hmacSecretKey)
                .put(SIGNATURE_COUNTER, new byte[4]));
  }

  /**
   * Checks that a state file holds every provisioned record, well formed.
   *
   * @throws IOException naming the file and the first missing or malformed record
   */
  public static void check(StateFile state) throws IOException {
    Map<String, Integer> expectedLengths = new LinkedHashMap<>();
    expectedLengths.put(SERIAL_NUMBER, 4);
    expectedLengths.put(ADMIN_PIN, -1);
    expectedLengths.put(ADMIN_PIN_RETRIES, 1);
    expectedLengths.put(ATTESTATION_KEY, -1);
    expectedLengths.put(ATTESTATION_CERT, -1);
    expectedLengths.put(KEY_HANDLE_KEY, 32);
    expectedLengths.put(HMAC_SECRET_KEY, 32);
    expectedLengths.put(SIGNATURE_COUNTER, 4);
    for (Map.Entry<String, Integer> record : expectedLengths.entrySet()) {
      Optional<byte[]> value = state.get(record.getKey());
      if (value.isEmpty()) {
        throw new IOException(
            "state file " + state.path() + " is damaged: record " + record.getKey() + " missing");
      }
      int length = value.get().length;
      if (record.getValue() >= 0 ? length != record.getValue() : length == 0) {
        throw new IOException(
            "state file "
                + state.path()
                + " is damaged: record "
                + record.getKey()
                + " has "
                + length
                + " bytes");
      }
    }
  }

  /** The serial number as the USB iSerialNumber string: eight upper-case hex digits. */
  public static String serialString(StateFile state) {
    byte[] serial =
        state
            .get(SERIAL_NUMBER)
            .filter(s -> s.length == 4)
            .orElseThrow(() -> new IllegalStateException("state file has no valid serial number"));
    return String.format("%08X", ByteBuffer.wrap(serial).getInt());
  }

  private record Attestation(byte[] privateKey, byte[] certificate, byte[] rootCertificate) {}

  private static Attestation makeAttestation(String serial, SecureRandom random)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), random);
    KeyPair root = generator.generateKeyPair();
    KeyPair attestation = generator.generateKeyPair();

    Instant now = Instant.now();
    Date notBefore = Date.from(now.minus(Duration.ofDays(1)));
    Date notAfter = Date.from(now.plus(Duration.ofDays(365L * 20)));
    X500Name rootName =
        new X500Name("C=CN,O=vcanokey,OU=Virtual Key Attestation Root,CN=vcanokey Root " + serial);
    X500Name subject =
        new X500Name("C=CN,O=vcanokey,OU=Authenticator Attestation,CN=vcanokey Serial " + serial);

    JcaX509v3CertificateBuilder rootBuilder =
        new JcaX509v3CertificateBuilder(
            rootName, serialNumber(random), notBefore, notAfter, rootName, root.getPublic());
    rootBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    rootBuilder.addExtension(
        Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    X509CertificateHolder rootCert = rootBuilder.build(signer(root.getPrivate()));

    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            rootName, serialNumber(random), notBefore, notAfter, subject, attestation.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    builder.addExtension(ID_FIDO_GEN_CE_AAGUID, false, new DEROctetString(uuidBytes(AAGUID)));
    X509CertificateHolder cert = builder.build(signer(root.getPrivate()));

    return new Attestation(
        attestation.getPrivate().getEncoded(), cert.getEncoded(), rootCert.getEncoded());
  }

  private static ContentSigner signer(PrivateKey key) throws OperatorCreationException {
    return new JcaContentSignerBuilder("SHA256withECDSA").build(key);
  }

  private static BigInteger serialNumber(SecureRandom random) {
    return new BigInteger(63, random).add(BigInteger.ONE);
  }

  static byte[] uuidBytes(UUID uuid) {
    return ByteBuffer.allocate(16)
        .putLong(uuid.getMostSignificantBits())
        .putLong(uuid.getLeastSignificantBits())
        .array();
  }
}
