output "url" {
  description = "Public URL of MyLog (point DNS here if route53_zone_id is empty)."
  value       = "https://${var.domain_name}"
}

output "alb_dns_name" {
  description = "ALB host name (CNAME/alias target for domain_name)."
  value       = module.alb.dns_name
}

output "codecommit_clone_url_http" {
  description = "git remote for DevOps pushes (HTTPS, git-remote-codecommit or credential helper)."
  value       = module.codecommit.clone_url_http
}

output "pipeline_name" {
  description = "CodePipeline that builds and deploys deploy_branch."
  value       = module.codecommit.pipeline_name
}

output "codedeploy_application" {
  description = "CodeDeploy application name (aws deploy list-deployments)."
  value       = module.codedeploy.app_name
}

output "codedeploy_deployment_group" {
  description = "CodeDeploy blue/green deployment group name."
  value       = module.codedeploy.deployment_group_name
}

output "artifacts_bucket" {
  description = "S3 bucket with build artifacts (CodeDeploy revisions)."
  value       = module.s3.artifacts_bucket
}

output "postgres_endpoint" {
  description = "RDS Postgres host:port (private)."
  value       = "${module.rds.address}:${module.rds.port}"
}

output "redis_endpoint" {
  description = "ElastiCache primary endpoint host:port (private, TLS)."
  value       = "${module.elasticache.primary_endpoint}:${module.elasticache.port}"
}

output "clickhouse_endpoint" {
  description = "ClickHouse HTTP endpoint host (credentials are in the app secret)."
  value       = module.clickhouse.endpoint_host
}

output "app_secret_arn" {
  description = "Secrets Manager secret rendered into /etc/mylog/env on every instance."
  value       = module.secrets.app_secret_arn
}

output "dashboard_url" {
  description = "CloudWatch dashboard for the service and the pipeline."
  value       = module.cloudwatch.dashboard_url
}

output "alarm_topic_arn" {
  description = "SNS topic the alarms and deployment events publish to."
  value       = module.cloudwatch.sns_topic_arn
}
