/** Benchmarks of microseg's hot paths; each prints a ratio against a baseline from the same run. */
package dev.microseg.bench;
