variable "environment" {
  type        = string
  description = "Environment name (staging, production); prefixes every resource name."
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,15}$", var.environment))
    error_message = "environment: lowercase letters, digits and dashes, at most 16 characters."
  }
}

variable "region" {
  type        = string
  description = "AWS region for the whole stack."
}

variable "vpc_cidr" {
  type        = string
  description = "CIDR of the VPC; split into 3 public and 3 private subnets."
}

variable "single_nat_gateway" {
  type        = bool
  description = "One NAT gateway instead of one per AZ (cheaper, not AZ-fault-tolerant: staging only)."
  default     = false
}

variable "domain_name" {
  type        = string
  description = "Public host name of MyLog (the ALB alias)."
}

variable "certificate_arn" {
  type        = string
  description = "ACM certificate ARN for domain_name, in the same region as the ALB."
}

variable "route53_zone_id" {
  type        = string
  description = "Route 53 hosted zone for domain_name; empty to manage DNS elsewhere."
  default     = ""
}

variable "ami_id" {
  type        = string
  description = "AMI built by ami/mylog.pkr.hcl (Node 20, CodeDeploy and CloudWatch agents)."
}

variable "instance_type" {
  type        = string
  description = "EC2 instance type of the app instances."
}

variable "asg_min_size" {
  type        = number
  description = "Minimum app instances (at least one per AZ in production)."
}

variable "asg_max_size" {
  type        = number
  description = "Maximum app instances."
}

variable "asg_desired_capacity" {
  type        = number
  description = "Instances of the seed ASG at first apply; afterwards scaling policies decide."
}

variable "mylog_roles" {
  type        = string
  description = "MYLOG_ROLES for the app instances (api,ingest,worker,scheduler)."
  default     = "api,ingest,worker,scheduler"
}

variable "ingest_durability" {
  type        = string
  description = "INGEST_DURABILITY: replica waits for the ElastiCache replica before a 202."
  default     = "replica"
  validation {
    condition     = contains(["fsync", "replica", "none"], var.ingest_durability)
    error_message = "ingest_durability must be fsync, replica or none."
  }
}

variable "cpu_target_percent" {
  type        = number
  description = "Target average CPU for the target-tracking scaling policy."
  default     = 55
}

variable "requests_per_target" {
  type        = number
  description = "Target ALB requests per instance per minute for the request-count scaling policy."
  default     = 6000
}

variable "redis_node_type" {
  type        = string
  description = "ElastiCache node type."
}

variable "redis_replicas" {
  type        = number
  description = "Read replicas next to the primary (at least 1 for Multi-AZ failover and WAIT)."
  default     = 1
}

variable "db_instance_class" {
  type        = string
  description = "RDS instance class."
}

variable "db_allocated_storage_gb" {
  type        = number
  description = "Initial RDS storage in GiB (autoscaling up to 4x)."
}

variable "db_multi_az" {
  type        = bool
  description = "RDS Multi-AZ standby."
  default     = true
}

variable "db_backup_retention_days" {
  type        = number
  description = "Automated backup retention; also the point-in-time-restore window."
}

variable "deletion_protection" {
  type        = bool
  description = "Protect RDS, the ALB and stateful volumes against terraform destroy."
  default     = true
}

variable "clickhouse_external_url" {
  type        = string
  description = "Use an existing ClickHouse (e.g. ClickHouse Cloud) at this https URL; empty builds EC2 nodes."
  default     = ""
  sensitive   = true
}

variable "clickhouse_instance_type" {
  type        = string
  description = "Instance type of the ClickHouse server nodes."
  default     = "m6i.xlarge"
}

variable "clickhouse_shards" {
  type        = number
  description = "ClickHouse shards (each with clickhouse_replicas_per_shard replicas through Keeper)."
  default     = 1
}

variable "clickhouse_replicas_per_shard" {
  type        = number
  description = "Replicas of each ClickHouse shard, spread over the private subnets."
  default     = 2
}

variable "clickhouse_volume_gb" {
  type        = number
  description = "EBS gp3 data volume per ClickHouse node in GiB."
  default     = 500
}

variable "oidc_issuer" {
  type        = string
  description = "OIDC issuer URL of the customer-facing IdP."
}

variable "oidc_client_id" {
  type        = string
  description = "OIDC client id registered for MyLog."
}

variable "oidc_client_secret" {
  type        = string
  description = "OIDC client secret; stored only in Secrets Manager. Pass with TF_VAR_oidc_client_secret."
  sensitive   = true
}

variable "codecommit_repository_name" {
  type        = string
  description = "CodeCommit repository holding MyLog's source."
  default     = "mylog"
}

variable "deploy_branch" {
  type        = string
  description = "Branch whose pushes build and deploy this environment."
}

variable "blue_termination_wait_minutes" {
  type        = number
  description = "Minutes the old (blue) fleet is kept after a successful deployment, for a fast roll back."
}

variable "alarm_email" {
  type        = string
  description = "Address subscribed to the alarm topic; empty for none."
  default     = ""
}

variable "alb_ingress_cidrs" {
  type        = list(string)
  description = "CIDRs allowed to reach the ALB on 80/443."
  default     = ["0.0.0.0/0"]
}
