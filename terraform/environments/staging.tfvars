# terraform init -backend-config=environments/staging.backend.hcl
# terraform apply -var-file=environments/staging.tfvars   (TF_VAR_oidc_client_secret from the vault)
environment        = "staging"
region             = "eu-west-1"
vpc_cidr           = "10.20.0.0/16"
single_nat_gateway = true

domain_name     = "staging.mylog.example.com"
certificate_arn = "arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-0000-0000-000000000000"
route53_zone_id = ""

ami_id               = "ami-00000000000000000"
instance_type        = "t3.medium"
asg_min_size         = 2
asg_max_size         = 4
asg_desired_capacity = 2

redis_node_type = "cache.t4g.small"
redis_replicas  = 1

db_instance_class        = "db.t4g.medium"
db_allocated_storage_gb  = 50
db_multi_az              = true
db_backup_retention_days = 7
deletion_protection      = false

clickhouse_instance_type      = "m6i.large"
clickhouse_shards             = 1
clickhouse_replicas_per_shard = 2
clickhouse_volume_gb          = 200

oidc_issuer    = "https://login.staging.example.com"
oidc_client_id = "mylog-staging"

deploy_branch                 = "main"
blue_termination_wait_minutes = 5
alarm_email                   = ""
