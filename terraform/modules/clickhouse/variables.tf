variable "name" {
  type        = string
  description = "Name prefix."
}

variable "vpc_id" {
  type        = string
  description = "VPC of the nodes."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets; nodes are spread across them."
}

variable "allowed_security_group_ids" {
  type        = list(string)
  description = "Security groups allowed on the HTTP port 8123."
}

variable "external_url" {
  type        = string
  description = "Existing ClickHouse URL; when set, no EC2 nodes are created."
  sensitive   = true
}

variable "instance_type" {
  type        = string
  description = "Server node instance type."
}

variable "keeper_instance_type" {
  type        = string
  description = "Keeper node instance type."
  default     = "t3.medium"
}

variable "cluster_name" {
  type        = string
  description = "ClickHouse cluster name in remote_servers and ON CLUSTER (the app's CLICKHOUSE_CLUSTER)."
  default     = "mylog"
  validation {
    condition     = can(regex("^[A-Za-z_][A-Za-z0-9_]*$", var.cluster_name))
    error_message = "cluster_name must be a plain identifier (it is used unquoted in ON CLUSTER)."
  }
}

variable "shard_count" {
  type        = number
  description = "Shards; rows are spread over them by cityHash64(app_id). Adding one: docs/operations.md."
  validation {
    condition     = var.shard_count >= 1 && var.shard_count <= 16
    error_message = "shard_count must be 1-16."
  }
}

variable "replicas_per_shard" {
  type        = number
  description = "Replicas of each shard, in different subnets (AZs); 2 survives the loss of one node or AZ."
  default     = 2
  validation {
    condition     = var.replicas_per_shard >= 2 && var.replicas_per_shard <= 3
    error_message = "replicas_per_shard must be 2 or 3: one replica is no failover."
  }
}

variable "volume_gb" {
  type        = number
  description = "Data volume per server in GiB."
}

variable "password" {
  type        = string
  description = "Password of the mylog ClickHouse user."
  sensitive   = true
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key for the EBS volumes."
}

variable "deletion_protection" {
  type        = bool
  description = "Termination protection on the server nodes."
}
