-- One column of each MySQL type, for the end-to-end type test (e2e-tests AllTypesIT), and a
-- table the DDL test alters while streaming (SchemaChangeIT). The local cluster keeps its data
-- between runs, so the e2e tests also run these statements (IF NOT EXISTS) through vtgate: this
-- file stays the one definition.
CREATE TABLE IF NOT EXISTS all_types (
  id BIGINT NOT NULL AUTO_INCREMENT,
  tag VARCHAR(64) NOT NULL,
  c_tinyint TINYINT,
  c_tinyint_u TINYINT UNSIGNED,
  c_bool TINYINT(1),
  c_smallint SMALLINT,
  c_smallint_u SMALLINT UNSIGNED,
  c_mediumint MEDIUMINT,
  c_mediumint_u MEDIUMINT UNSIGNED,
  c_int INT,
  c_int_u INT UNSIGNED,
  c_bigint BIGINT,
  c_bigint_u BIGINT UNSIGNED,
  c_float FLOAT,
  c_double DOUBLE,
  c_decimal DECIMAL(65,30),
  c_date DATE,
  c_time TIME,
  c_time6 TIME(6),
  c_datetime0 DATETIME,
  c_datetime1 DATETIME(1),
  c_datetime2 DATETIME(2),
  c_datetime3 DATETIME(3),
  c_datetime4 DATETIME(4),
  c_datetime5 DATETIME(5),
  c_datetime6 DATETIME(6),
  c_timestamp0 TIMESTAMP NULL,
  c_timestamp3 TIMESTAMP(3) NULL,
  c_timestamp6 TIMESTAMP(6) NULL,
  c_year YEAR,
  c_char CHAR(16),
  c_varchar VARCHAR(255),
  c_text TEXT,
  c_binary BINARY(4),
  c_varbinary VARBINARY(16),
  c_blob BLOB,
  c_bit1 BIT(1),
  c_bit12 BIT(12),
  c_bit64 BIT(64),
  c_enum ENUM('small','medium','large'),
  c_set SET('red','green','blue'),
  c_json JSON,
  c_geometry GEOMETRY,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS ddl_probe (
  id BIGINT NOT NULL AUTO_INCREMENT,
  tag VARCHAR(64) NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB;
