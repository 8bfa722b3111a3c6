/**
 * Test support for end-to-end tests of the data plane in real network namespaces (root needed;
 * {@link dev.microseg.dp.testing.KernelTestSupport#requireRootAndTools()} fails loudly otherwise).
 *
 * <ul>
 *   <li>{@link dev.microseg.dp.testing.RoutedTopology}: a Calico-style router namespace plus
 *       workloads ws1..wsN (veth, /32 and /128 addresses, link-local gateways), unique names per
 *       run, removed in {@code close()} and by a shutdown hook; traffic helpers bounded in count
 *       and time (TCP echo/transfer, UDP send/receive, ping).</li>
 *   <li>{@link dev.microseg.dp.testing.QueueRunner}: an {@code NfQueue} with its loop on a thread
 *       inside a namespace; rethrows the loop's failure on close.</li>
 *   <li>{@link dev.microseg.dp.testing.PacketLog} / {@link dev.microseg.dp.testing.SeenPacket}:
 *       what a handler saw, with minimal IP/TCP/UDP inspection.</li>
 *   <li>{@link dev.microseg.dp.testing.Await}: waiting on a condition with a deadline.</li>
 *   <li>{@link dev.microseg.dp.testing.Hex}: commented hex fixtures.</li>
 * </ul>
 *
 * <pre>{@code
 * class MyEngineTest {
 *     static RoutedTopology topo;
 *     @BeforeAll static void up() throws Exception { topo = RoutedTopology.create(2); }
 *     @AfterAll static void down() { topo.close(); }
 *
 *     @Test void denied() throws Exception {
 *         var ws1 = topo.workload(1); var ws2 = topo.workload(2);
 *         var rules = InterceptManager.create(InterceptConfig.of(1, true).inNamespace(topo.router()));
 *         rules.install();
 *         rules.addWorkload(ws2.ipv4());
 *         try (var q = QueueRunner.start(topo.router(), NfQueueConfig.defaults(0), (p, v) -> v.drop(p.id()))) {
 *             assertThat(topo.ping(ws1, ws2.ipv4(), 1, Duration.ofSeconds(1)).received()).isZero();
 *         } finally {
 *             rules.removeAll();
 *         }
 *     }
 * }
 * }</pre>
 */
package dev.microseg.dp.testing;
