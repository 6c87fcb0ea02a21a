package io.vcanokey.pcsc;

import io.vcanokey.core.bytes.Hex;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import javax.smartcardio.Card;
import javax.smartcardio.CardChannel;
import javax.smartcardio.CardTerminal;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.TerminalFactory;

/**
 * The child-process side of {@link PcscCard}: connects to one reader with javax.smartcardio and
 * relays APDUs, one hex line in, one hex line out. Lines out: {@code ATR <hex>} once connected,
 * then {@code R <hex>} per command; {@code ERROR <message>} on failure (and the process exits). End
 * of input disconnects and exits.
 */
public final class PcscClientMain {

  private PcscClientMain() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    if (args.length != 1) {
      out.println("ERROR usage: PcscClientMain READER");
      System.exit(2);
    }
    Card card;
    try {
      TerminalFactory factory = TerminalFactory.getInstance("PC/SC", null);
      CardTerminal terminal = factory.terminals().getTerminal(args[0]);
      if (terminal == null) {
        out.println("ERROR PC/SC lists no reader named '" + args[0] + "'");
        System.exit(1);
        return;
      }
      card = terminal.connect("*");
    } catch (Exception e) {
      out.println("ERROR " + oneLine(e));
      System.exit(1);
      return;
    }
    out.println("ATR " + Hex.encode(card.getATR().getBytes()));
    CardChannel channel = card.getBasicChannel();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        byte[] response = channel.transmit(new CommandAPDU(Hex.decode(line.trim()))).getBytes();
        out.println("R " + Hex.encode(response));
      }
    } catch (Exception e) {
      out.println("ERROR " + oneLine(e));
      System.exit(1);
    } finally {
      card.disconnect(false);
    }
  }

  private static String oneLine(Exception e) {
    return (e + (e.getCause() == null ? "" : " caused by " + e.getCause())).replace('\n', ' ');
  }
}
