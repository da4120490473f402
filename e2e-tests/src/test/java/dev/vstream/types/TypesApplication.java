package dev.vstream.types;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.vstream.annotation.VStreamDdlListener;
import dev.vstream.annotation.VStreamListener;
import dev.vstream.listener.DdlEvent;
import dev.vstream.listener.RowChange;
import dev.vstream.mapping.Column;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The application of the type and schema-change tests: listens to
 * {@code commerce.all_types} as maps and as a record, to {@code commerce.ddl_probe} as
 * maps, and to the DDL of {@code commerce}. Its own package keeps it out of the other e2e
 * applications' component scan.
 */
@SpringBootApplication
public class TypesApplication {

	@Bean
	Recorder typesRecorder() {
		return new Recorder();
	}

	/**
	 * A typed view of {@code all_types}: conversions of the starter, JSON into a tree.
	 */
	public record AllTypes(long id, String tag, boolean cBool, BigInteger cBigintU, BigDecimal cDecimal,
			LocalDate cDate, Duration cTime6, LocalDateTime cDatetime6, Instant cTimestamp6, int cYear,
			@Column("c_varchar") String text, byte[] cBlob, long cBit64, String cEnum, String cSet, JsonNode cJson,
			byte[] cGeometry) {
	}

	public static class Recorder {

		final List<RowChange<Map<String, Object>>> rows = new CopyOnWriteArrayList<>();

		final List<RowChange<AllTypes>> typed = new CopyOnWriteArrayList<>();

		final List<RowChange<Map<String, Object>>> probes = new CopyOnWriteArrayList<>();

		final List<DdlEvent> ddl = new CopyOnWriteArrayList<>();

		@VStreamListener(table = "all_types")
		void row(RowChange<Map<String, Object>> change) {
			this.rows.add(change);
		}

		@VStreamListener(table = "all_types")
		void typed(RowChange<AllTypes> change) {
			this.typed.add(change);
		}

		@VStreamListener(table = "ddl_probe")
		void probe(RowChange<Map<String, Object>> change) {
			this.probes.add(change);
		}

		@VStreamDdlListener(keyspace = "commerce")
		void ddl(DdlEvent event) {
			this.ddl.add(event);
		}

	}

}
