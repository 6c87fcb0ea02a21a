/**
 * Host integration tests through a real pcscd: the key on {@code serve --vpcd} in vsmartcard's
 * virtual reader "Virtual PCD 00 00" (port 35963), driven by real PC/SC clients (DESIGN.md,
 * "Testing with real clients", layer 2).
 *
 * <p>Helpers: {@link io.vcanokey.pcsc.Pcscd} makes sure pcscd runs (starting {@code pcscd -f}
 * itself when none does, so neither ./run-tests nor .ci/run has a pcscd step), restarts it, and
 * reads reader and card state with opensc-tool; {@link io.vcanokey.pcsc.PcscCard} sends raw APDUs
 * with javax.smartcardio in a child JVM, which survives pcscd restarts. Keys are started with
 * {@link io.vcanokey.guest.KeyProcess#startVpcd} (vpcd only) or {@link
 * io.vcanokey.guest.KeyProcess#start} plus {@code --vpcd=...} (usbredir and vpcd at once).
 *
 * <p>Serialization: one pcscd per machine and one card per vpcd reader. Every test class here holds
 * a {@link io.vcanokey.pcsc.Pcscd.Lease} from {@code @BeforeAll} to {@code @AfterAll}, which
 * serializes classes within the JVM and test JVMs across the machine (file lock
 * /tmp/vcanokey-pcscd.lock), and waits in {@code @BeforeEach} until the reader is empty ({@link
 * io.vcanokey.pcsc.Pcscd#awaitNoCard}) so a card seen is the test's own key. A key started by hand
 * with {@code --vpcd} on this machine occupies the reader and makes these tests fail with a message
 * saying so.
 *
 * <p>OpenSC and the key's several applications: OpenSC 0.23 picks its PIV-II driver for our card by
 * itself (it comes before the OpenPGP driver in OpenSC's list and finds the PIV application; the
 * ATR plays no part), and that driver reselects PIV whenever OpenSC takes the card lock. So raw
 * APDUs go through {@code opensc-tool -c default} ({@link io.vcanokey.pcsc.OpenscTool}), and
 * pkcs15-tool reads the OpenPGP application only with {@code OPENSC_DRIVER=openpgp}; openpgp-tool
 * and piv-tool choose their drivers themselves.
 *
 * <p>Missing tools (pcscd, vsmartcard-vpcd, opensc, libpcsclite1) skip a test on a developer
 * machine and fail it in CI (HostTools). pcscd must be started by root (it creates /run/pcscd); a
 * pcscd that cannot start counts as a missing tool. Tests run under failsafe (*IT) and are skipped,
 * with the guest tests, by -DskipGuestTests. pcscd logs go to target/pcsc/.
 */
package io.vcanokey.pcsc;
