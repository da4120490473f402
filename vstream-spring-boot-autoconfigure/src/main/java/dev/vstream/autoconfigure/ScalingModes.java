package dev.vstream.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.vstream.scaling.ScalingMode;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The scaling modes of the streams: the default stream's, {@code vstream.scaling.mode},
 * and each named stream's, {@code vstream.streams.<id>.scaling.mode} (the top-level one
 * when it sets none), from the bound properties or, before they are bound (conditions,
 * bean registration), from the environment.
 */
final class ScalingModes {

	private ScalingModes() {
	}

	/**
	 * The mode properties of the scaled streams, as {@code property=mode}: the top-level
	 * one (also taken by the named streams that set none), and each named stream's own.
	 */
	static String scaledModes(VStreamProperties properties) {
		List<String> modes = new ArrayList<>();
		if (properties.getScaling().getMode() != ScalingMode.SINGLE) {
			modes.add(
					"vstream.scaling.mode=" + VStreamScalingConfigurations.modeName(properties.getScaling().getMode()));
		}
		properties.getStreams().forEach((id, stream) -> {
			ScalingMode own = stream.getScaling().getMode();
			if (own != null && own != ScalingMode.SINGLE) {
				modes.add("vstream.streams." + id + ".scaling.mode=" + VStreamScalingConfigurations.modeName(own));
			}
		});
		return String.join(", ", modes);
	}

	/**
	 * @param properties the properties
	 * @return whether any stream, the default one or a named one, is scaled
	 */
	static boolean anyScaled(VStreamProperties properties) {
		return !scaledModes(properties).isEmpty();
	}

	/**
	 * A stream's scaling mode, as bound from the environment: a named stream's own, else
	 * the top-level one.
	 * @param binder the binder of the environment
	 * @param id a named stream's id, {@code null} for the default stream
	 * @return the mode
	 */
	static ScalingMode modeOf(Binder binder, @Nullable String id) {
		ScalingMode shared = binder.bind("vstream.scaling.mode", ScalingMode.class).orElse(ScalingMode.SINGLE);
		return (id != null) ? binder.bind("vstream.streams." + id + ".scaling.mode", ScalingMode.class).orElse(shared)
				: shared;
	}

	/**
	 * @param binder the binder of the environment
	 * @return the ids of the named streams, {@code vstream.streams.<id>}
	 */
	static Set<String> namedStreamIds(Binder binder) {
		return binder.bind("vstream.streams", Bindable.mapOf(String.class, Object.class)).orElse(Map.of()).keySet();
	}

	/**
	 * Matches when any stream's scaling mode, {@code vstream.scaling.mode} or a
	 * {@code vstream.streams.<id>.scaling.mode}, is not {@code single}.
	 */
	static final class OnScaledMode extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			Binder binder = Binder.get(context.getEnvironment());
			ScalingMode mode = modeOf(binder, null);
			if (mode != ScalingMode.SINGLE) {
				return ConditionOutcome.match("vstream.scaling.mode is " + mode);
			}
			for (String id : namedStreamIds(binder)) {
				ScalingMode own = modeOf(binder, id);
				if (own != ScalingMode.SINGLE) {
					return ConditionOutcome.match("vstream.streams." + id + ".scaling.mode is " + own);
				}
			}
			return ConditionOutcome.noMatch("every stream's scaling mode is single");
		}

	}

}
