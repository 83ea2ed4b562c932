output "kms_key_arn" {
  description = "KMS key for data at rest in this environment."
  value       = aws_kms_key.this.arn
}

output "app_secret_arn" {
  description = "ARN of the app environment secret."
  value       = aws_secretsmanager_secret.app.arn
}

output "db_password" {
  description = "Generated Postgres password."
  value       = local.generated.db_password
  sensitive   = true
}

output "redis_auth_token" {
  description = "Generated ElastiCache AUTH token."
  value       = local.generated.redis_auth_token
  sensitive   = true
}

output "clickhouse_password" {
  description = "Generated ClickHouse password for the mylog user."
  value       = local.generated.clickhouse_password
  sensitive   = true
}
