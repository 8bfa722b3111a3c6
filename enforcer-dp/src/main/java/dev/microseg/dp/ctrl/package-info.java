/**
 * The dp control socket over unix datagrams (junixsocket): {@link dev.microseg.dp.ctrl.ControlServer} in
 * the dp, dispatching to the engine's {@link dev.microseg.dp.ctrl.ControlHandler};
 * {@link dev.microseg.dp.ctrl.ControlClient} for the agent, the tests and {@code microseg-dp status}
 * ({@link dev.microseg.dp.ctrl.StatusCommand}).
 */
package dev.microseg.dp.ctrl;
