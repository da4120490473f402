package dev.vstream.annotation;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;

import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.TableLastPK;
import binlogdata.Binlogdata.VGtid;
import dev.vstream.listener.DdlEvent;
import dev.vstream.listener.Operation;
import dev.vstream.listener.RowChange;
import dev.vstream.mapping.Column;
import dev.vstream.position.StreamPosition;
import dev.vstream.position.StreamPositionRuntimeHints;
import dev.vstream.test.Order;
import io.vitess.proto.Query;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.annotation.ReflectiveRuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ahead-of-time hints: listener methods and their row types, and the protocol classes
 * positions are saved with, are registered for reflection.
 */
class ListenerRuntimeHintsTests {

	private final RuntimeHints hints = new RuntimeHints();

	@Test
	void listenerMethodsAreInvokable() {
		new ReflectiveRuntimeHintsRegistrar().registerRuntimeHints(this.hints, Listeners.class);

		for (String name : List.of("onChange", "onRow", "onTransaction", "onMap", "onDdl")) {
			assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(method(name))).as(name)
				.accepts(this.hints);
		}
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(method("notAListener"))).rejects(this.hints);
	}

	@Test
	void rowTypesOfEveryParameterShapeCanBeBuiltAndTheirColumnNamesRead() {
		new ReflectiveRuntimeHintsRegistrar().registerRuntimeHints(this.hints, Listeners.class);

		for (Class<?> rowType : List.of(Order.class, Audit.class, Line.class)) {
			assertThat(RuntimeHintsPredicates.reflection()
				.onType(rowType)
				.withMemberCategories(MemberCategory.INVOKE_DECLARED_CONSTRUCTORS,
						MemberCategory.ACCESS_DECLARED_FIELDS))
				.as(rowType.getSimpleName())
				.accepts(this.hints);
		}
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Audit.class, "setNote")).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Line.class, "amount")).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Column.class)).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Map.class)).rejects(this.hints);
	}

	@Test
	void positionProtocolClassesAreRegisteredThroughAotFactories() {
		List<RuntimeHintsRegistrar> registrars = SpringFactoriesLoader
			.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class);
		assertThat(registrars).hasAtLeastOneElementOfType(StreamPositionRuntimeHints.class);

		registrars.forEach((registrar) -> registrar.registerHints(this.hints, getClass().getClassLoader()));

		for (Class<?> type : List.of(VGtid.class, VGtid.Builder.class, ShardGtid.class, ShardGtid.Builder.class,
				TableLastPK.class, Query.QueryResult.class, Query.Field.class, Query.Row.class, Query.Type.class)) {
			assertThat(RuntimeHintsPredicates.reflection()
				.onType(type)
				.withMemberCategory(MemberCategory.INVOKE_PUBLIC_METHODS)).as(type.getName()).accepts(this.hints);
		}
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(ShardGtid.class, "getTablePKsList"))
			.accepts(this.hints);
	}

	@Test
	void everySchemaScriptIsAResourceHint() {
		SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class)
			.forEach((registrar) -> registrar.registerHints(this.hints, getClass().getClassLoader()));

		for (String platform : List.of("h2", "postgresql", "mysql")) {
			for (String script : List.of("dev/vstream/offset/schema-" + platform + ".sql",
					"dev/vstream/offset/schema-run-" + platform + ".sql",
					"dev/vstream/scaling/schema-lock-" + platform + ".sql")) {
				assertThat(new ClassPathResource(script).exists()).as(script).isTrue();
				assertThat(RuntimeHintsPredicates.resource().forResource(script)).as(script).accepts(this.hints);
			}
		}
	}

	private static Method method(String name) {
		Method method = ReflectionUtils.findMethod(Listeners.class, name, (Class<?>[]) null);
		assertThat(method).as(name).isNotNull();
		return method;
	}

	static class Listeners {

		@VStreamListener(table = "corder")
		void onChange(RowChange<Order> change) {
		}

		@VStreamListener(table = "audit")
		void onRow(Audit audit, Operation op, StreamPosition position) {
		}

		@VStreamListener(table = "line")
		void onTransaction(List<RowChange<Line>> changes) {
		}

		@VStreamListener(table = "raw")
		void onMap(Map<String, Object> row) {
		}

		@VStreamDdlListener
		void onDdl(DdlEvent ddl) {
		}

		void notAListener(Order order) {
		}

	}

	public static class Audit {

		@Column("audit_note")
		private String note;

		public String getNote() {
			return this.note;
		}

		public void setNote(String note) {
			this.note = note;
		}

	}

	public record Line(long lineId, @Column("amount_cents") long amount) {
	}

}
