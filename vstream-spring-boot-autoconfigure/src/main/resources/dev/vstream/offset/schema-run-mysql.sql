-- Run marker table of JdbcStreamRunMarker (MySQL and MariaDB): one row per stream that has saved a
-- position. The starter replaces vstream_offset_run by vstream.jdbc.table-name + _run.
-- A binary collation, as for the offset table: streams differing in case are different streams.
CREATE TABLE IF NOT EXISTS vstream_offset_run (
  stream_id VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
  first_run_at DATETIME(3) NOT NULL
);
