/**
 * A vtgate for tests at the protocol level:
 * {@link dev.vstream.test.vtgate.ScriptedVtgate} answers {@code VStream} calls with
 * scripted responses built by {@link dev.vstream.test.vtgate.Events}, and
 * {@link dev.vstream.test.vtgate.TestCertificates} makes the certificates of a vtgate
 * over TLS. This is what the starter's own tests script; applications test their
 * listeners with {@code vstream-spring-boot-test} ({@code dev.vstream.test.TestVtgate}),
 * which speaks plain Java on top of it.
 */
package dev.vstream.test.vtgate;
