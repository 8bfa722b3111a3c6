/**
 * The data plane's engine and process: what ties the kernel layer (queues, intercept rules,
 * conntrack), the fast path (decode, sessions, classifier) and the control protocol together.
 *
 * <ul>
 *   <li>{@link dev.microseg.dp.engine.Engine}: the control handler (endpoints, policies, sync,
 *       settings) and the state the packet path reads, published copy-on-write.</li>
 *   <li>{@code PacketPipeline}: one per queue thread; decode → session → decide (both ends of a
 *       connection, {@code Outcome}) → verdict with a decision mark; no allocation per packet.</li>
 *   <li>{@code Reporter}: one thread; connection records with exact counters (conntrack for
 *       offloaded connections), violations, DESTROY events, sweeps, and {@code Reevaluation} of
 *       live connections after a policy change (cut in Protect, flagged in Monitor).</li>
 *   <li>{@link dev.microseg.dp.engine.Dataplane}: the running process: start order that never
 *       blackholes traffic, shutdown rules first. {@code dev.microseg.dp.Main} is its command line.</li>
 * </ul>
 * Operator documentation: docs/dp.md; protocol: docs/dp-protocol.md.
 */
package dev.microseg.dp.engine;
