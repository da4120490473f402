/**
 * Scratch measurements of the offset stores (a main per question), built by the reactor
 * but never run by the tests.
 */
package dev.vstream.benchmarks.offset;
