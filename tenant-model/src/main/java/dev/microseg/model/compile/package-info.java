/**
 * The policy compiler: a tenant's groups, rules and workloads in, per-workload data-plane rules
 * out, in the shape of the dp's {@code ctrl_cfg_policy} (ARCHITECTURE.md, "Policy model" and
 * "The dp control protocol"). {@link dev.microseg.model.compile.PolicyCompiler} keeps the inputs
 * and recompiles only the workloads a change touches; {@link
 * dev.microseg.model.compile.ReferenceCompiler} is the slow, obviously-correct definition the
 * tests and benchmarks compare it with.
 */
package dev.microseg.model.compile;
