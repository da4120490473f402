-- Offset table of JdbcOffsetRepository: one row per stream, the position as JSON.
-- The starter replaces vstream_offset by vstream.jdbc.table-name.
CREATE TABLE IF NOT EXISTS vstream_offset (
  stream_id VARCHAR(255) NOT NULL PRIMARY KEY,
  position TEXT NOT NULL,
  updated_at TIMESTAMP NOT NULL
);
