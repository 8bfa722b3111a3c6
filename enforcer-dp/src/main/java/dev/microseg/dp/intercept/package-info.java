/**
 * The data plane's own netfilter rules: which traffic goes to the queues, and the connmark
 * offload that keeps decided connections in the kernel ({@link dev.microseg.dp.intercept.MarkBits},
 * rules in {@code IptablesScript}), applied atomically with {@code iptables-restore --noflush} by
 * {@link dev.microseg.dp.intercept.InterceptManager}, after detecting what the kernel offers
 * ({@link dev.microseg.dp.intercept.InterceptBackend}).
 */
package dev.microseg.dp.intercept;
