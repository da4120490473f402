CREATE TABLE corder (
  order_id BIGINT NOT NULL AUTO_INCREMENT,
  customer_id BIGINT NOT NULL,
  sku VARCHAR(128),
  price DECIMAL(10,2),
  PRIMARY KEY (order_id)
) ENGINE=InnoDB;

CREATE TABLE customer (
  customer_id BIGINT NOT NULL AUTO_INCREMENT,
  email VARCHAR(128),
  PRIMARY KEY (customer_id)
) ENGINE=InnoDB;

CREATE TABLE product (
  sku VARCHAR(128) NOT NULL,
  description VARCHAR(128),
  price DECIMAL(10,2),
  PRIMARY KEY (sku)
) ENGINE=InnoDB;
