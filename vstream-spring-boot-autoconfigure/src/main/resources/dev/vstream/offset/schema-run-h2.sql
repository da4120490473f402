-- Run marker table of JdbcStreamRunMarker: one row per stream that has saved a position.
-- The starter replaces vstream_offset_run by vstream.jdbc.table-name + _run.
CREATE TABLE IF NOT EXISTS vstream_offset_run (
  stream_id VARCHAR(255) NOT NULL PRIMARY KEY,
  first_run_at TIMESTAMP NOT NULL
);
