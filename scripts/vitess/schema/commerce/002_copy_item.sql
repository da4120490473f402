-- Only for the end-to-end tests of the copy phase (CopyPhaseIT): a table large enough (the test
-- fills it with 30,000 rows) that vtgate copies it in several batches. The test also creates it
-- through vtgate with the same statement, for clusters whose data predates this file.
CREATE TABLE IF NOT EXISTS copy_item (
  id BIGINT NOT NULL,
  payload VARCHAR(200),
  PRIMARY KEY (id)
) ENGINE=InnoDB;
