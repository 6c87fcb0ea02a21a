package io.vcanokey.applet.piv;

import static io.vcanokey.applet.piv.PivHost.assertSw;
import static io.vcanokey.applet.piv.PivHost.concat;
import static io.vcanokey.applet.piv.PivHost.inner;
import static io.vcanokey.applet.piv.PivHost.tlv;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vcanokey.core.apdu.CardOs;
import io.vcanokey.core.apdu.ResponseApdu;
import io.vcanokey.core.bytes.Hex;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The card OS's TRACE lines for PIV: secrets go neither out in a command segment nor in an answer,
 * whole or paged (STYLE.md: never log keys, PINs or secrets at any level). Found by a breaker.
 */
class PivTraceTest {

  /** ykman's PIN-protected management key as it stores it in printed information: 88 { 89 key }. */
  private static final String KEY =
      "7F6F8B47F9A5F1F8EC90D413D0AFB4CCA73F0A3A7E406C3519B4ECE3F3BFAAD2";

  @TempDir Path dir;
  private PivHost host;
  private Logger logger;
  private Level previous;
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();

  @BeforeEach
  void setUp() throws Exception {
    host = new PivHost(dir);
    logger = (Logger) LoggerFactory.getLogger(CardOs.class);
    previous = logger.getLevel();
    events.start();
    logger.addAppender(events);
    logger.setLevel(Level.TRACE);
  }

  @AfterEach
  void tearDown() throws Exception {
    logger.detachAppender(events);
    logger.setLevel(previous);
    host.close();
  }

  @Test
  @DisplayName("GET DATA of printed information (a stored management key) is traced as withheld")
  void getData_printedInformation_answerWithheld() {
    host.authenticateDefault();
    assertSw(host.putData("5FC109", Hex.decode("8822" + "8920" + KEY)), 0x9000);
    host.verifyPin();

    ResponseApdu read = host.getData("5FC109");

    assertSw(read, 0x9000);
    assertThat(Hex.encode(read.data())).contains(KEY);
    assertThat(unspacedTrace()).doesNotContain(KEY);
    assertThat(rApdus()).contains("R-APDU [38 secret bytes withheld] 90 00");
  }

  @Test
  @DisplayName("Every segment of a chained PUT DATA of printed information is withheld")
  void putData_chainedPrintedInformation_everySegmentWithheld() {
    host.authenticateDefault();
    // The host splits after 89 20, so the second segment starts with the key (7F, like tag 7F61).
    assertSw(host.send("10 DB 3F FF 0B 5C 03 5F C1 09 53 24 88 22 89 20"), 0x9000);
    assertSw(host.send("00 DB 3F FF 20 " + KEY), 0x9000);

    assertThat(unspacedTrace()).doesNotContain(KEY.substring(2));
  }

  @Test
  @DisplayName("An RSA decryption paged with 61XX and GET RESPONSE is withheld in every piece")
  void rsaDecrypt_pagedAnswer_everyPieceWithheld() {
    host.authenticateDefault();
    host.generateKey(0x9D, 0x07, 0x01, 0); // RSA 2048, PIN policy never
    byte[] block = new byte[256];
    Arrays.fill(block, 1, 256, (byte) 0x5A); // below the modulus: the first byte is 00
    byte[] template = tlv(0x7C, concat(tlv(0x82, new byte[0]), tlv(0x81, block)));
    // Short segments of up to 255 bytes, as yubico-piv-tool sends them: the answer pages at 256.
    byte[] first = concat(Hex.decode("10 87 07 9D FF".replace(" ", "")), head(template, 255));
    byte[] rest = tail(template, 255);
    assertSw(host.send(first), 0x9000);
    ResponseApdu plain =
        host.send(
            concat(new byte[] {0x00, (byte) 0x87, 0x07, (byte) 0x9D, (byte) rest.length}, rest));

    assertSw(plain, 0x9000);
    byte[] result = inner(inner(plain.data(), 0x7C), 0x82);
    assertThat(result).hasSize(256);
    List<String> answers = rApdus();
    assertThat(answers)
        .anyMatch(line -> line.matches("R-APDU \\[256 secret bytes withheld\\] 61 .."));
    for (int i = 0; i + 8 <= result.length; i += 8) {
      String piece = Hex.spaced(Arrays.copyOfRange(result, i, i + 8));
      assertThat(answers).noneMatch(line -> line.contains(piece));
    }
  }

  /** The trace without the spaces between bytes, to find a secret's hex whatever its offset. */
  private String unspacedTrace() {
    return String.join("\n", lines()).replace(" ", "");
  }

  private List<String> rApdus() {
    return lines().stream().filter(line -> line.startsWith("R-APDU")).toList();
  }

  private List<String> lines() {
    return events.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  private static byte[] head(byte[] data, int length) {
    return Arrays.copyOf(data, length);
  }

  private static byte[] tail(byte[] data, int from) {
    return Arrays.copyOfRange(data, from, data.length);
  }
}
