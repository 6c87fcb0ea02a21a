package io.vcanokey.pcsc;

import io.vcanokey.core.bytes.Hex;
import io.vcanokey.guest.HostTools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Raw APDUs to a card through the real pcscd, from Java: javax.smartcardio (module
 * java.smartcardio) over libpcsclite, run in a child JVM ({@link PcscClientMain}), one per
 * connection.
 *
 * <p>Why a child JVM: the JDK's PC/SC provider establishes one PC/SC context per JVM and never
 * establishes it again (sun.security.smartcardio.PCSCTerminals.initContext, JDK 17 to 25), so once
 * pcscd restarts, javax.smartcardio in that JVM lists no readers for the rest of its life. The
 * reconnection tests restart pcscd; a child per connection keeps the test JVM, and every test class
 * after them, unaffected. It costs a JVM start (a few hundred ms) per connection.
 *
 * <p>The JDK looks for libpcsclite.so, which Debian ships only in the -dev package; the runtime
 * library is libpcsclite.so.1, so the child gets {@code -D}{@value #LIBRARY_PROPERTY} with Debian's
 * path (or the value this JVM has, if set). Nothing is needed in pom.xml.
 *
 * <p>By default the JDK's channel answers 61XX by sending GET RESPONSE itself and 6CXX by repeating
 * the command with the right Le; {@link #connectRaw(String)} turns that off (system properties
 * sun.security.smartcardio.t0GetResponse and t1GetResponse) for tests of the card's own paging. A
 * MANAGE CHANNEL command is refused by the JDK.
 */
public final class PcscCard implements AutoCloseable {

  static final String LIBRARY_PROPERTY = "sun.security.smartcardio.library";

  /** Debian's (x86_64) runtime PC/SC library, package libpcsclite1. */
  static final Path DEBIAN_LIBRARY = Path.of("/usr/lib/x86_64-linux-gnu/libpcsclite.so.1");

  private static final long REPLY_TIMEOUT_SECONDS = 60;

  private final Process child;
  private final Writer toChild;
  private final BufferedReader fromChild;
  private final byte[] atr;

  private PcscCard(Process child, Writer toChild, BufferedReader fromChild, byte[] atr) {
    this.child = child;
    this.toChild = toChild;
    this.fromChild = fromChild;
    this.atr = atr;
  }

  /** Connects (shared mode, T=0 or T=1) to the card in {@code reader}, as OpenSC does. */
  public static PcscCard connect(String reader) {
    return start(reader, true);
  }

  /** Like {@link #connect}, but 61XX and 6CXX reach the test as the card sent them. */
  public static PcscCard connectRaw(String reader) {
    return start(reader, false);
  }

  private static PcscCard start(String reader, boolean jdkGetResponse) {
    String library = System.getProperty(LIBRARY_PROPERTY);
    if (library == null) {
      library =
          HostTools.requireFile(DEBIAN_LIBRARY, "libpcsclite.so.1 (Debian package libpcsclite1)")
              .toString();
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-D" + LIBRARY_PROPERTY + "=" + library);
    if (!jdkGetResponse) {
      command.add("-Dsun.security.smartcardio.t0GetResponse=false");
      command.add("-Dsun.security.smartcardio.t1GetResponse=false");
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.add(PcscClientMain.class.getName());
    command.add(reader);
    try {
      Process child =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      Writer out = new java.io.OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
      String line = in.readLine();
      if (line == null || !line.startsWith("ATR ")) {
        child.destroyForcibly();
        throw new IllegalStateException(
            "cannot connect to the card in '"
                + reader
                + "': "
                + (line == null ? "no answer" : line));
      }
      return new PcscCard(child, out, in, Hex.decode(line.substring(4)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the PC/SC client " + command, e);
    }
  }

  /** The ATR the card presented at connection. */
  public byte[] atr() {
    return atr.clone();
  }

  /** Sends one command APDU and returns the whole response APDU: data, then SW1 SW2. */
  public byte[] transmit(byte[] command) {
    try {
      toChild.write(Hex.encode(command) + "\n");
      toChild.flush();
      String line = fromChild.readLine();
      if (line == null || !line.startsWith("R ")) {
        throw new IllegalStateException(
            "PC/SC transmit failed: " + (line == null ? "client ended" : line));
      }
      return Hex.decode(line.substring(2));
    } catch (IOException e) {
      throw new UncheckedIOException("PC/SC client failed", e);
    }
  }

  /** Disconnects, leaving the card powered (the next client finds it as it is). */
  @Override
  public void close() {
    try {
      toChild.close();
      if (!child.waitFor(REPLY_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
    } catch (IOException e) {
      child.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      child.destroyForcibly();
    }
  }
}
