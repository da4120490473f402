package dev.vstream.listener;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import dev.vstream.mapping.RowMapper;
import dev.vstream.mapping.RowMapperFactory;
import dev.vstream.mapping.TableSchema;
import dev.vstream.position.StreamPosition;
import org.jspecify.annotations.Nullable;

import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;

/**
 * Calls a listener method with arguments served from a {@link ChangeEvent}. The
 * parameters are resolved once, when the endpoint is created, so an unusable signature
 * fails at start-up and each call only maps and invokes.
 */
public final class ListenerMethodAdapter {

	private final Method method;

	private final MethodInvoker invoker;

	private final ArgumentResolver[] resolvers;

	private final Class<?> payloadType;

	private final boolean batch;

	private final RowMapperFactory mapperFactory;

	private volatile @Nullable LastMapper lastMapper;

	/**
	 * Create an adapter for a listener method.
	 * @param bean the bean holding the method
	 * @param method the listener method
	 * @param mapperFactory maps rows to the method's payload type
	 * @throws IllegalStateException naming the method when a parameter cannot be served
	 */
	public ListenerMethodAdapter(Object bean, Method method, RowMapperFactory mapperFactory) {
		this.method = method;
		this.mapperFactory = mapperFactory;
		this.resolvers = new ArgumentResolver[method.getParameterCount()];
		Class<?> payload = null;
		boolean batchPayload = false;
		for (int i = 0; i < this.resolvers.length; i++) {
			MethodParameter parameter = new MethodParameter(method, i);
			Class<?> type = parameter.getParameterType();
			if (type == Operation.class) {
				this.resolvers[i] = (event, mapper) -> event.op();
			}
			else if (type == StreamPosition.class) {
				this.resolvers[i] = (event, mapper) -> event.position();
			}
			else {
				if (payload != null) {
					throw invalid("has more than one row parameter (" + payload.getSimpleName() + " and "
							+ type.getSimpleName() + "); declare one RowChange<T> or one row type");
				}
				if (type == RowChange.class) {
					ResolvableType rowType = ResolvableType.forMethodParameter(parameter)
						.as(RowChange.class)
						.getGeneric(0);
					payload = rowTypeOf(rowType);
					this.resolvers[i] = ListenerMethodAdapter::rowChange;
				}
				else if (type == List.class) {
					ResolvableType element = ResolvableType.forMethodParameter(parameter).as(List.class).getGeneric(0);
					if (element.resolve() != RowChange.class) {
						throw invalid("parameter " + i + " is a List of " + element
								+ "; a listener of whole transactions takes List<RowChange<T>>");
					}
					payload = rowTypeOf(element.getGeneric(0));
					batchPayload = true;
					this.resolvers[i] = (event, mapper) -> {
						throw new IllegalStateException("A transaction listener is called with invokeBatch");
					};
				}
				else if (type.isPrimitive() || type.getName().startsWith("java.lang.") || type.isArray()) {
					throw invalid("parameter " + i + " of type " + type.getName()
							+ " cannot be served; supported: RowChange<T>, a record, JavaBean or Map row type, Operation, StreamPosition");
				}
				else {
					payload = type;
					this.resolvers[i] = (event, mapper) -> (event.op() == Operation.DELETE) ? mapper.map(event.before())
							: mapper.map(event.after(), event.absentColumns());
				}
				try {
					mapperFactory.validateTargetType(payload);
				}
				catch (IllegalArgumentException ex) {
					throw invalid("cannot receive rows as " + payload.getName() + ": " + ex.getMessage());
				}
			}
		}
		if (payload == null) {
			throw invalid("has no row parameter; declare a RowChange<T> or a row type (record, JavaBean or Map)");
		}
		this.payloadType = payload;
		this.batch = batchPayload;
		this.invoker = MethodInvoker.of(bean, method);
	}

	/**
	 * The row types a listener method receives, as the adapter resolves them (the
	 * {@code T} of {@code RowChange<T>} and {@code List<RowChange<T>>}, or a row type
	 * parameter), without checking the method; for ahead-of-time hints.
	 * @param method a listener method
	 * @return its row types
	 */
	public static List<Class<?>> rowTypesOf(Method method) {
		List<Class<?>> types = new ArrayList<>();
		for (int i = 0; i < method.getParameterCount(); i++) {
			MethodParameter parameter = new MethodParameter(method, i);
			Class<?> type = parameter.getParameterType();
			if (type == RowChange.class) {
				types.add(rowTypeOf(ResolvableType.forMethodParameter(parameter).as(RowChange.class).getGeneric(0)));
			}
			else if (type == List.class) {
				types.add(rowTypeOf(
						ResolvableType.forMethodParameter(parameter).as(List.class).getGeneric(0).getGeneric(0)));
			}
			else if (type != Operation.class && type != StreamPosition.class) {
				types.add(type);
			}
		}
		return types;
	}

	private static Class<?> rowTypeOf(ResolvableType rowType) {
		Class<?> resolved = rowType.resolve();
		return (resolved == null || resolved == Object.class) ? Map.class : resolved;
	}

	private static Object rowChange(ChangeEvent event, RowMapper<?> mapper) {
		Object before = (event.before() != null) ? mapper.map(event.before()) : null;
		Object after = (event.after() != null) ? mapper.map(event.after(), event.absentColumns()) : null;
		return new RowChange<>(event.op(), before, after, event.keyspace(), event.shard(), event.table(),
				event.position(), event.commitTime(), event.absentColumns(), event.partialJson());
	}

	private IllegalStateException invalid(String problem) {
		return new IllegalStateException("@VStreamListener method " + describe(this.method) + " " + problem);
	}

	static String describe(Method method) {
		return method.getDeclaringClass().getName() + "." + method.getName() + "("
				+ String.join(", ", Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).toList()) + ")";
	}

	/**
	 * The type rows are mapped to for this method.
	 * @return the payload type
	 */
	public Class<?> getPayloadType() {
		return this.payloadType;
	}

	/**
	 * The listener method.
	 * @return the method
	 */
	public Method getMethod() {
		return this.method;
	}

	/**
	 * Whether the method takes the changes of a whole transaction
	 * ({@code List<RowChange<T>>}) rather than one change at a time.
	 * @return {@code true} for a transaction listener
	 */
	public boolean isBatch() {
		return this.batch;
	}

	/**
	 * Call a transaction listener with the changes of one transaction, in commit order.
	 * @param events the changes, all of this listener's table
	 * @throws dev.vstream.mapping.RowMappingException when a row cannot be mapped
	 * @throws ListenerExecutionFailedException when the method throws
	 */
	public void invokeBatch(List<ChangeEvent> events) {
		if (events.isEmpty()) {
			return;
		}
		List<RowChange<?>> changes = new ArrayList<>(events.size());
		for (ChangeEvent event : events) {
			changes.add((RowChange<?>) rowChange(event, mapperFor(event.schema())));
		}
		ChangeEvent last = events.get(events.size() - 1);
		Object[] args = new Object[this.resolvers.length];
		for (int i = 0; i < args.length; i++) {
			Class<?> type = this.method.getParameterTypes()[i];
			args[i] = (type == List.class) ? List.copyOf(changes) : this.resolvers[i].resolve(last, null);
		}
		call(args, last, events.size());
	}

	/**
	 * Map the change to this method's types and call it.
	 * @param event the change
	 * @throws dev.vstream.mapping.RowMappingException when the row cannot be mapped
	 * @throws ListenerExecutionFailedException when the method throws
	 */
	public void invoke(ChangeEvent event) {
		RowMapper<?> mapper = mapperFor(event.schema());
		Object[] args = new Object[this.resolvers.length];
		for (int i = 0; i < args.length; i++) {
			args[i] = this.resolvers[i].resolve(event, mapper);
		}
		call(args, event, 0);
	}

	/**
	 * The mapper of a schema, remembered for the next row: a stream's rows come table by
	 * table with the same schema instance until the next FIELD event, and the factory's
	 * lookup (a key object and a hash map probe per row) is then needless. Replaced as a
	 * whole, so that callers on several threads at worst look the mapper up again.
	 */
	private RowMapper<?> mapperFor(TableSchema schema) {
		LastMapper last = this.lastMapper;
		if (last != null && last.schema() == schema) {
			return last.mapper();
		}
		RowMapper<?> mapper = this.mapperFactory.mapperFor(schema, this.payloadType);
		this.lastMapper = new LastMapper(schema, mapper);
		return mapper;
	}

	private record LastMapper(TableSchema schema, RowMapper<?> mapper) {
	}

	/**
	 * The description is built only when the call fails: describing a change costs more
	 * than mapping it.
	 * @param batchSize the changes of a list listener's call, 0 for a single change
	 */
	private void call(Object[] args, ChangeEvent last, int batchSize) {
		try {
			this.invoker.invoke(args);
		}
		catch (Throwable ex) {
			String what = (batchSize == 0) ? last.toString() : batchSize + " changes ending with " + last;
			throw new ListenerExecutionFailedException("Listener " + describe(this.method) + " failed on " + what, ex);
		}
	}

	@FunctionalInterface
	private interface ArgumentResolver {

		@Nullable Object resolve(ChangeEvent event, @Nullable RowMapper<?> mapper);

	}

}
