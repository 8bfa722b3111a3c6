/**
 * The dp control protocol (docs/dp-protocol.md): agent → dp JSON commands ({@link
 * dev.microseg.dp.protocol.ControlCommand}, {@link dev.microseg.dp.protocol.ControlDecoder}, {@link
 * dev.microseg.dp.protocol.ControlEncoder}), policy batching ({@link dev.microseg.dp.protocol.PolicySplitter},
 * {@link dev.microseg.dp.protocol.BatchAssembler}) and dp → agent binary reports ({@link
 * dev.microseg.dp.protocol.Report}, {@link dev.microseg.dp.protocol.ReportEncoder}, {@link
 * dev.microseg.dp.protocol.ReportDecoder}).
 *
 * <p>node-enforcer depends on this package alone, so it uses nothing but the JDK and jackson-core: no
 * junixsocket, no other dp package, no framework (ProtocolIsolationTest keeps it so).
 */
package dev.microseg.dp.protocol;
