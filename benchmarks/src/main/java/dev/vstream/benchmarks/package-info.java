/**
 * JMH micro-benchmarks of the starter's hot paths; built by the reactor but never run by
 * the tests.
 */
package dev.vstream.benchmarks;
