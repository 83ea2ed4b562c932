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

variable "node_count" {
  type        = number
  description = "Server replicas in the single shard."
  validation {
    condition     = var.node_count >= 1 && var.node_count <= 6
    error_message = "node_count must be 1-6."
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
