-- Offset table of JdbcOffsetRepository (MySQL and MariaDB): one row per stream, the position as JSON.
-- The starter replaces vstream_offset by vstream.jdbc.table-name.
-- A binary collation: the usual ones ignore case and accents, and streams "Orders" and "orders"
-- would share one position. MEDIUMTEXT: TEXT stops at 64 KiB, which a position with many shards
-- and GTID sets can exceed. DATETIME: TIMESTAMP ends in 2038 and gets implicit defaults.
CREATE TABLE IF NOT EXISTS vstream_offset (
  stream_id VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
  position MEDIUMTEXT CHARACTER SET utf8mb4 NOT NULL,
  updated_at DATETIME(3) NOT NULL
);
