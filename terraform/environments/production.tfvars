# terraform init -backend-config=environments/production.backend.hcl
# terraform apply -var-file=environments/production.tfvars   (TF_VAR_oidc_client_secret from the vault)
environment        = "production"
region             = "eu-west-1"
vpc_cidr           = "10.10.0.0/16"
single_nat_gateway = false

domain_name     = "mylog.example.com"
certificate_arn = "arn:aws:acm:eu-west-1:222222222222:certificate/00000000-0000-0000-0000-000000000000"
route53_zone_id = "Z0000000000000000000"

ami_id               = "ami-00000000000000000"
instance_type        = "c6i.xlarge"
asg_min_size         = 3
asg_max_size         = 12
asg_desired_capacity = 3

redis_node_type = "cache.r7g.large"
redis_replicas  = 2

db_instance_class        = "db.r6g.large"
db_allocated_storage_gb  = 200
db_multi_az              = true
db_backup_retention_days = 30
deletion_protection      = true

clickhouse_instance_type      = "m6i.2xlarge"
clickhouse_shards             = 2
clickhouse_replicas_per_shard = 2
clickhouse_volume_gb          = 2000

oidc_issuer    = "https://login.example.com"
oidc_client_id = "mylog"

deploy_branch                 = "release"
blue_termination_wait_minutes = 60
alarm_email                   = "oncall@example.com"
