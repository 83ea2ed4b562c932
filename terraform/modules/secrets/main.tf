# One KMS key for the environment's data at rest, generated credentials for the data services,
# and the app secret that mylog-render-env turns into /etc/mylog/env at boot.
#
# Generated passwords are stored once and then ignored by later plans (the data source yields a
# new value every run); rotation is a runbook step, not a side effect of `terraform apply`.

resource "aws_kms_key" "this" {
  description             = "${var.name}: secrets, RDS, ElastiCache, EBS"
  deletion_window_in_days = 30
  enable_key_rotation     = true
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}

data "aws_secretsmanager_random_password" "db" {
  password_length     = 40
  exclude_punctuation = true
}

data "aws_secretsmanager_random_password" "redis" {
  password_length     = 64
  exclude_punctuation = true
}

data "aws_secretsmanager_random_password" "clickhouse" {
  password_length     = 40
  exclude_punctuation = true
}

data "aws_secretsmanager_random_password" "session" {
  password_length     = 64
  exclude_punctuation = true
}

resource "aws_secretsmanager_secret" "generated" {
  name                    = "${var.name}/generated-credentials"
  description             = "Credentials terraform generated for the data services"
  kms_key_id              = aws_kms_key.this.arn
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret_version" "generated" {
  secret_id = aws_secretsmanager_secret.generated.id
  secret_string = jsonencode({
    db_password         = data.aws_secretsmanager_random_password.db.random_password
    redis_auth_token    = data.aws_secretsmanager_random_password.redis.random_password
    clickhouse_password = data.aws_secretsmanager_random_password.clickhouse.random_password
    session_secret      = data.aws_secretsmanager_random_password.session.random_password
  })

  lifecycle {
    ignore_changes = [secret_string]
  }
}

locals {
  generated = jsondecode(aws_secretsmanager_secret_version.generated.secret_string)
}

resource "aws_secretsmanager_secret" "app" {
  name                    = "${var.name}/app-env"
  description             = "MyLog environment (DATABASE_URL, REDIS_URL, CLICKHOUSE_URL, SESSION_SECRET, OIDC_CLIENT_SECRET)"
  kms_key_id              = aws_kms_key.this.arn
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret_version" "app" {
  secret_id = aws_secretsmanager_secret.app.id
  secret_string = jsonencode({
    DATABASE_URL       = "postgres://${var.db_username}:${local.generated.db_password}@${var.db_host}:${var.db_port}/${var.db_name}?sslmode=require"
    REDIS_URL          = "rediss://:${local.generated.redis_auth_token}@${var.redis_host}:${var.redis_port}"
    CLICKHOUSE_URL     = replace(var.clickhouse_url, "__PASSWORD__", local.generated.clickhouse_password)
    SESSION_SECRET     = local.generated.session_secret
    OIDC_CLIENT_SECRET = var.oidc_client_secret
  })
}

resource "aws_ssm_parameter" "setting" {
  for_each = var.settings
  name     = "${var.ssm_prefix}${each.key}"
  type     = "String"
  value    = each.value
}
