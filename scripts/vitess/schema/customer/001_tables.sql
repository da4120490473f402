CREATE TABLE customer (
  customer_id BIGINT NOT NULL,
  email VARCHAR(128),
  PRIMARY KEY (customer_id)
) ENGINE=InnoDB;

CREATE TABLE corder (
  order_id BIGINT NOT NULL,
  customer_id BIGINT NOT NULL,
  sku VARCHAR(128),
  price DECIMAL(10,2),
  PRIMARY KEY (order_id)
) ENGINE=InnoDB;
