-- Lock table of the DefaultLockRepository of Spring Integration (JdbcLockRegistry), checked by
-- JdbcLockFence. The starter replaces INT_ by vstream.scaling.jdbc.table-prefix.
CREATE TABLE IF NOT EXISTS INT_LOCK (
  LOCK_KEY CHAR(36) NOT NULL,
  REGION VARCHAR(100) NOT NULL,
  CLIENT_ID CHAR(36),
  CREATED_DATE TIMESTAMP NOT NULL,
  EXPIRED_AFTER TIMESTAMP NOT NULL,
  CONSTRAINT INT_LOCK_PK PRIMARY KEY (LOCK_KEY, REGION)
);
