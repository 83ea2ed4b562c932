# MyLog on AWS: one root module, one state per environment (environments/<env>.tfvars).
# Data flow: CodeCommit push -> CodePipeline -> CodeBuild (gates, artifact to S3) -> CodeDeploy
# blue/green onto a copy of the ASG behind the ALB, rolled back on failure or on alarms.

data "aws_caller_identity" "current" {}

locals {
  name       = "mylog-${var.environment}"
  ssm_prefix = "/mylog/${var.environment}/"
  # Derived names break the cycle between IAM (needs ARNs) and the resources that need the roles.
  codebuild_project_name = "${local.name}-build"
  codedeploy_app_name    = local.name
  codedeploy_group_name  = "${local.name}-bluegreen"
}

module "network" {
  source             = "./modules/network"
  name               = local.name
  cidr               = var.vpc_cidr
  single_nat_gateway = var.single_nat_gateway
}

module "s3" {
  source     = "./modules/s3"
  name       = local.name
  account_id = data.aws_caller_identity.current.account_id
}

module "secrets" {
  source             = "./modules/secrets"
  name               = local.name
  ssm_prefix         = local.ssm_prefix
  db_host            = module.rds.address
  db_port            = module.rds.port
  db_name            = module.rds.db_name
  db_username        = module.rds.username
  redis_host         = module.elasticache.primary_endpoint
  redis_port         = module.elasticache.port
  clickhouse_url     = module.clickhouse.url
  oidc_client_secret = var.oidc_client_secret
  # CLICKHOUSE_CLUSTER only for the self-managed cluster (an external URL is one logical node).
  settings = merge({
    OIDC_ISSUER       = var.oidc_issuer
    OIDC_CLIENT_ID    = var.oidc_client_id
    OIDC_REDIRECT_URI = "https://${var.domain_name}/auth/callback"
    INGEST_DURABILITY = var.ingest_durability
    LOG_LEVEL         = "info"
  }, module.clickhouse.cluster == "" ? {} : { CLICKHOUSE_CLUSTER = module.clickhouse.cluster })
}

module "alb" {
  source              = "./modules/alb"
  name                = local.name
  vpc_id              = module.network.vpc_id
  public_subnet_ids   = module.network.public_subnet_ids
  certificate_arn     = var.certificate_arn
  ingress_cidrs       = var.alb_ingress_cidrs
  logs_bucket         = module.s3.alb_logs_bucket
  deletion_protection = var.deletion_protection
}

module "iam" {
  source                 = "./modules/iam"
  name                   = local.name
  region                 = var.region
  account_id             = data.aws_caller_identity.current.account_id
  artifacts_bucket_arn   = module.s3.artifacts_bucket_arn
  app_secret_arn         = module.secrets.app_secret_arn
  kms_key_arn            = module.secrets.kms_key_arn
  ssm_prefix             = local.ssm_prefix
  repository_name        = var.codecommit_repository_name
  codebuild_project_name = local.codebuild_project_name
  codedeploy_app_name    = local.codedeploy_app_name
  codedeploy_group_name  = local.codedeploy_group_name
}

module "asg" {
  source                = "./modules/asg"
  name                  = local.name
  environment           = var.environment
  region                = var.region
  vpc_id                = module.network.vpc_id
  private_subnet_ids    = module.network.private_subnet_ids
  ami_id                = var.ami_id
  instance_type         = var.instance_type
  instance_profile_name = module.iam.instance_profile_name
  kms_key_arn           = module.secrets.kms_key_arn
  alb_security_group_id = module.alb.security_group_id
  target_group_arn      = module.alb.target_group_arn
  request_count_label   = "${module.alb.alb_arn_suffix}/${module.alb.target_group_arn_suffix}"
  min_size              = var.asg_min_size
  max_size              = var.asg_max_size
  desired_capacity      = var.asg_desired_capacity
  cpu_target_percent    = var.cpu_target_percent
  requests_per_target   = var.requests_per_target
  app_secret_arn        = module.secrets.app_secret_arn
  ssm_prefix            = local.ssm_prefix
  mylog_roles           = var.mylog_roles
  shutdown_deadline_ms  = 25000
}

module "rds" {
  source                     = "./modules/rds"
  name                       = local.name
  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.private_subnet_ids
  allowed_security_group_ids = [module.asg.security_group_id]
  instance_class             = var.db_instance_class
  allocated_storage_gb       = var.db_allocated_storage_gb
  multi_az                   = var.db_multi_az
  backup_retention_days      = var.db_backup_retention_days
  deletion_protection        = var.deletion_protection
  password                   = module.secrets.db_password
  kms_key_arn                = module.secrets.kms_key_arn
}

module "elasticache" {
  source                     = "./modules/elasticache"
  name                       = local.name
  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.private_subnet_ids
  allowed_security_group_ids = [module.asg.security_group_id]
  node_type                  = var.redis_node_type
  replicas                   = var.redis_replicas
  auth_token                 = module.secrets.redis_auth_token
  kms_key_arn                = module.secrets.kms_key_arn
}

module "clickhouse" {
  source                     = "./modules/clickhouse"
  name                       = local.name
  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.private_subnet_ids
  allowed_security_group_ids = [module.asg.security_group_id]
  external_url               = var.clickhouse_external_url
  instance_type              = var.clickhouse_instance_type
  shard_count                = var.clickhouse_shards
  replicas_per_shard         = var.clickhouse_replicas_per_shard
  volume_gb                  = var.clickhouse_volume_gb
  password                   = module.secrets.clickhouse_password
  kms_key_arn                = module.secrets.kms_key_arn
  deletion_protection        = var.deletion_protection
}

module "cloudwatch" {
  source                  = "./modules/cloudwatch"
  name                    = local.name
  environment             = var.environment
  region                  = var.region
  alb_arn_suffix          = module.alb.alb_arn_suffix
  target_group_arn_suffix = module.alb.target_group_arn_suffix
  rds_instance_id         = module.rds.instance_id
  redis_replication_group = module.elasticache.replication_group_id
  alarm_email             = var.alarm_email
}

module "codedeploy" {
  source                   = "./modules/codedeploy"
  app_name                 = local.codedeploy_app_name
  deployment_group_name    = local.codedeploy_group_name
  service_role_arn         = module.iam.codedeploy_role_arn
  autoscaling_group_name   = module.asg.autoscaling_group_name
  target_group_name        = module.alb.target_group_name
  rollback_alarm_names     = module.cloudwatch.deployment_alarm_names
  termination_wait_minutes = var.blue_termination_wait_minutes
  notification_topic_arn   = module.cloudwatch.sns_topic_arn
}

module "codebuild" {
  source           = "./modules/codebuild"
  project_name     = local.codebuild_project_name
  service_role_arn = module.iam.codebuild_role_arn
  artifacts_bucket = module.s3.artifacts_bucket
  kms_key_arn      = module.secrets.kms_key_arn
}

module "codecommit" {
  source                 = "./modules/codecommit"
  name                   = local.name
  repository_name        = var.codecommit_repository_name
  branch                 = var.deploy_branch
  artifacts_bucket       = module.s3.artifacts_bucket
  kms_key_arn            = module.secrets.kms_key_arn
  pipeline_role_arn      = module.iam.codepipeline_role_arn
  events_role_arn        = module.iam.events_role_arn
  codebuild_project_name = module.codebuild.project_name
  codedeploy_app_name    = module.codedeploy.app_name
  codedeploy_group_name  = module.codedeploy.deployment_group_name
}

resource "aws_route53_record" "app" {
  count   = var.route53_zone_id == "" ? 0 : 1
  zone_id = var.route53_zone_id
  name    = var.domain_name
  type    = "A"

  alias {
    name                   = module.alb.dns_name
    zone_id                = module.alb.zone_id
    evaluate_target_health = true
  }
}
