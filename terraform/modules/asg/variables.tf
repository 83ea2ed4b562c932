variable "name" {
  type        = string
  description = "Name prefix."
}

variable "environment" {
  type        = string
  description = "Environment name, passed to the instances as MYLOG_ENVIRONMENT (metric label)."
}

variable "region" {
  type        = string
  description = "Region, for the boot-time secret lookup."
}

variable "vpc_id" {
  type        = string
  description = "VPC of the instances."
}

variable "private_subnet_ids" {
  type        = list(string)
  description = "Private subnets, one per AZ."
}

variable "ami_id" {
  type        = string
  description = "AMI from ami/mylog.pkr.hcl."
}

variable "instance_type" {
  type        = string
  description = "Instance type."
}

variable "instance_profile_name" {
  type        = string
  description = "Instance profile of the app role."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key for the root volumes."
}

variable "alb_security_group_id" {
  type        = string
  description = "ALB security group allowed to reach the app port."
}

variable "target_group_arn" {
  type        = string
  description = "ALB target group the seed ASG registers into."
}

variable "request_count_label" {
  type        = string
  description = "ALBRequestCountPerTarget resource label: <alb arn suffix>/<target group arn suffix>."
}

variable "min_size" {
  type        = number
  description = "Minimum instances."
}

variable "max_size" {
  type        = number
  description = "Maximum instances."
}

variable "desired_capacity" {
  type        = number
  description = "Initial instances."
}

variable "cpu_target_percent" {
  type        = number
  description = "Target average CPU."
}

variable "requests_per_target" {
  type        = number
  description = "Target requests per instance per minute."
}

variable "app_secret_arn" {
  type        = string
  description = "Secret the instances render into /etc/mylog/env."
}

variable "ssm_prefix" {
  type        = string
  description = "SSM path of the non-secret settings."
}

variable "mylog_roles" {
  type        = string
  description = "MYLOG_ROLES of this fleet."
}

variable "shutdown_deadline_ms" {
  type        = number
  description = "SHUTDOWN_DEADLINE_MS; must stay below the unit's TimeoutStopSec (40 s)."
  validation {
    condition     = var.shutdown_deadline_ms < 40000
    error_message = "shutdown_deadline_ms must be below mylog.service TimeoutStopSec (40 s)."
  }
}

variable "app_port" {
  type        = number
  description = "PORT the app listens on."
  default     = 3000
}

variable "root_volume_gb" {
  type        = number
  description = "Root volume size in GiB."
  default     = 30
}
