package dev.vstream.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.PropertyMapping;

/**
 * Runs the test context's stream against a {@link TestVtgate} instead of a real vtgate:
 * the context starts one before it refreshes, sets {@code vstream.vtgate.address} to it,
 * registers it as a bean (inject it to push changes) and stops it when the context
 * closes. Positions are kept in memory ({@code vstream.offset-store=memory}), so no
 * offset database is needed and each context starts from no position.
 *
 * <pre class="code">
 * &#64;SpringBootTest
 * &#64;AutoConfigureTestVtgate
 * class OrderProjectionTests {
 *
 *     &#64;Autowired TestVtgate vtgate;
 *
 *     &#64;Autowired VStreamContainer stream;
 *     ...
 * }
 * </pre>
 *
 * The starter connects over its own channel, with the application's
 * {@code vstream.vtgate.*} settings and {@code VStreamChannelCustomizer}s, as it would to
 * vtgate (SSL bundles and credentials aside: the test vtgate is plaintext on loopback).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@PropertyMapping("vstream")
public @interface AutoConfigureTestVtgate {

	/**
	 * The offset store of the stream, {@code vstream.offset-store}.
	 * @return {@code memory} unless a test needs another store
	 */
	@PropertyMapping("offset-store")
	String offsetStore() default "memory";

}
