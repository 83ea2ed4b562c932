variable "name" {
  type        = string
  description = "Name prefix of the key and the secrets."
}

variable "ssm_prefix" {
  type        = string
  description = "SSM path (with trailing slash) for non-secret settings, one parameter per variable."
}

variable "db_host" {
  type        = string
  description = "RDS host."
}

variable "db_port" {
  type        = number
  description = "RDS port."
}

variable "db_name" {
  type        = string
  description = "Database name."
}

variable "db_username" {
  type        = string
  description = "Database user the app connects as."
}

variable "redis_host" {
  type        = string
  description = "ElastiCache primary endpoint."
}

variable "redis_port" {
  type        = number
  description = "ElastiCache port."
}

variable "clickhouse_url" {
  type        = string
  description = "ClickHouse URL; the literal __PASSWORD__ is replaced by the generated password."
  sensitive   = true
}

variable "oidc_client_secret" {
  type        = string
  description = "OIDC client secret."
  sensitive   = true
}

variable "settings" {
  type        = map(string)
  description = "Non-secret environment variables published as SSM parameters under ssm_prefix."
}
