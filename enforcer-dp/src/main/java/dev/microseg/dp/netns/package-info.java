/**
 * Network namespaces from Java: {@link dev.microseg.dp.netns.Netns#enter} moves the calling thread
 * (setns(2) through FFM), {@link dev.microseg.dp.netns.NetnsThread} keeps a thread inside one. For
 * the dp's {@code --netns} option and for tests acting inside workload namespaces.
 */
package dev.microseg.dp.netns;
