package dev.vstream.position;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import binlogdata.Binlogdata;
import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.VGtid;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.util.JsonFormat;
import org.jspecify.annotations.Nullable;

/**
 * The stored JSON form of a {@link StreamPosition}: vtgate's {@code VGtid} with one more
 * field, {@code coveredTables}. It is read and written through a message made here at run
 * time that is {@code VGtid} (field 1, {@code shard_gtids}) plus field 15, so the JSON is
 * protobuf's canonical mapping throughout and is parsed as strictly as a {@code VGtid}
 * (an unknown or misspelt field is refused): <pre>
 * message StoredPosition {
 *   repeated binlogdata.ShardGtid shard_gtids = 1;
 *   repeated KeyspaceTables covered_tables = 15;
 * }
 * message KeyspaceTables { string keyspace = 1; repeated string tables = 2; repeated string copying = 3; }
 * </pre> A position without covered tables (every position stored before they were
 * recorded) prints and parses exactly as a {@code VGtid}.
 */
final class StoredPositionFormat {

	private static final int COVERED_TABLES_FIELD = 15;

	private static final Descriptor STORED;

	private static final Descriptor KEYSPACE_TABLES;

	private static final FieldDescriptor COVERED;

	private static final FieldDescriptor SHARD_GTIDS;

	private static final FieldDescriptor SHARD_KEYSPACE;

	private static final FieldDescriptor KEYSPACE;

	private static final FieldDescriptor TABLES;

	private static final FieldDescriptor COPYING;

	static {
		FieldDescriptorProto shardGtids = FieldDescriptorProto.newBuilder()
			.setName("shard_gtids")
			.setNumber(VGtid.SHARD_GTIDS_FIELD_NUMBER)
			.setLabel(FieldDescriptorProto.Label.LABEL_REPEATED)
			.setType(FieldDescriptorProto.Type.TYPE_MESSAGE)
			.setTypeName(".binlogdata.ShardGtid")
			.build();
		FieldDescriptorProto covered = FieldDescriptorProto.newBuilder()
			.setName("covered_tables")
			.setNumber(COVERED_TABLES_FIELD)
			.setLabel(FieldDescriptorProto.Label.LABEL_REPEATED)
			.setType(FieldDescriptorProto.Type.TYPE_MESSAGE)
			.setTypeName(".dev.vstream.position.KeyspaceTables")
			.build();
		DescriptorProto keyspaceTables = DescriptorProto.newBuilder()
			.setName("KeyspaceTables")
			.addField(FieldDescriptorProto.newBuilder()
				.setName("keyspace")
				.setNumber(1)
				.setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL)
				.setType(FieldDescriptorProto.Type.TYPE_STRING))
			.addField(FieldDescriptorProto.newBuilder()
				.setName("tables")
				.setNumber(2)
				.setLabel(FieldDescriptorProto.Label.LABEL_REPEATED)
				.setType(FieldDescriptorProto.Type.TYPE_STRING))
			.addField(FieldDescriptorProto.newBuilder()
				.setName("copying")
				.setNumber(3)
				.setLabel(FieldDescriptorProto.Label.LABEL_REPEATED)
				.setType(FieldDescriptorProto.Type.TYPE_STRING))
			.build();
		FileDescriptorProto file = FileDescriptorProto.newBuilder()
			.setName("dev/vstream/position/stored_position.proto")
			.setPackage("dev.vstream.position")
			.setSyntax("proto3")
			.addDependency(Binlogdata.getDescriptor().getName())
			.addMessageType(keyspaceTables)
			.addMessageType(
					DescriptorProto.newBuilder().setName("StoredPosition").addField(shardGtids).addField(covered))
			.build();
		try {
			FileDescriptor descriptor = FileDescriptor.buildFrom(file,
					new FileDescriptor[] { Binlogdata.getDescriptor() });
			STORED = descriptor.findMessageTypeByName("StoredPosition");
			KEYSPACE_TABLES = descriptor.findMessageTypeByName("KeyspaceTables");
		}
		catch (DescriptorValidationException ex) {
			throw new IllegalStateException("Cannot describe the stored position", ex);
		}
		COVERED = STORED.findFieldByNumber(COVERED_TABLES_FIELD);
		SHARD_GTIDS = STORED.findFieldByNumber(VGtid.SHARD_GTIDS_FIELD_NUMBER);
		SHARD_KEYSPACE = ShardGtid.getDescriptor().findFieldByNumber(ShardGtid.KEYSPACE_FIELD_NUMBER);
		KEYSPACE = KEYSPACE_TABLES.findFieldByName("keyspace");
		TABLES = KEYSPACE_TABLES.findFieldByName("tables");
		COPYING = KEYSPACE_TABLES.findFieldByName("copying");
	}

	private StoredPositionFormat() {
	}

	/**
	 * Parse the stored JSON.
	 * @param json the JSON
	 * @param parser the (strict) parser
	 * @return the VGtid and the covered tables, {@code null} when it names none
	 * @throws InvalidProtocolBufferException when it is not a stored position
	 */
	static Parsed parse(String json, JsonFormat.Parser parser) throws InvalidProtocolBufferException {
		DynamicMessage.Builder stored = DynamicMessage.newBuilder(STORED);
		parser.merge(json, stored);
		Map<String, Set<String>> covered = null;
		Map<String, Set<String>> copying = new LinkedHashMap<>();
		Set<String> keyspaces = new HashSet<>();
		for (int i = 0; i < stored.getRepeatedFieldCount(SHARD_GTIDS); i++) {
			keyspaces.add((String) ((Message) stored.getRepeatedField(SHARD_GTIDS, i)).getField(SHARD_KEYSPACE));
		}
		int count = stored.getRepeatedFieldCount(COVERED);
		if (count > 0) {
			covered = new LinkedHashMap<>();
			for (int i = 0; i < count; i++) {
				DynamicMessage entry = (DynamicMessage) stored.getRepeatedField(COVERED, i);
				String keyspace = (String) entry.getField(KEYSPACE);
				if (!keyspaces.contains(keyspace)) {
					throw new IllegalArgumentException("Stored position names the covered tables of keyspace "
							+ PositionSyntax.quoted(keyspace) + ", which it has no shard of");
				}
				if (covered.containsKey(keyspace)) {
					throw new IllegalArgumentException(
							"Stored position names the covered tables of keyspace " + keyspace + " more than once");
				}
				@SuppressWarnings("unchecked")
				List<String> tables = (List<String>) entry.getField(TABLES);
				covered.put(keyspace, Set.copyOf(tables));
				@SuppressWarnings("unchecked")
				List<String> copied = (List<String>) entry.getField(COPYING);
				if (!copied.isEmpty()) {
					copying.put(keyspace, Set.copyOf(copied));
				}
			}
		}
		stored.clearField(COVERED);
		VGtid vgtid = VGtid.parseFrom(stored.build().toByteString())
			.toBuilder()
			.setUnknownFields(UnknownFieldSet.getDefaultInstance())
			.build();
		return new Parsed(vgtid, covered, copying);
	}

	/**
	 * Print a position with its covered tables.
	 * @param vgtid the VGtid
	 * @param covered per keyspace, the covered tables
	 * @param copying per keyspace, the tables being copied
	 * @param printer the printer
	 * @return the JSON
	 * @throws InvalidProtocolBufferException when it cannot be printed
	 */
	static String print(VGtid vgtid, Map<String, Set<String>> covered, Map<String, Set<String>> copying,
			JsonFormat.Printer printer) throws InvalidProtocolBufferException {
		DynamicMessage.Builder stored = DynamicMessage.newBuilder(STORED).mergeFrom(vgtid.toByteString());
		covered.forEach((keyspace, tables) -> stored.addRepeatedField(COVERED,
				DynamicMessage.newBuilder(KEYSPACE_TABLES)
					.setField(KEYSPACE, keyspace)
					.setField(TABLES, List.copyOf(tables))
					.setField(COPYING, List.copyOf(copying.getOrDefault(keyspace, Set.of())))
					.build()));
		return printer.print(stored);
	}

	/**
	 * A parsed stored position.
	 *
	 * @param vgtid the VGtid
	 * @param coveredTables per keyspace, the covered tables; {@code null} when unknown
	 * @param copyingTables per keyspace, the tables being copied
	 */
	record Parsed(VGtid vgtid, @Nullable Map<String, Set<String>> coveredTables,
			Map<String, Set<String>> copyingTables) {
	}

}
