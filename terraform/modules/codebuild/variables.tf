variable "project_name" {
  type        = string
  description = "CodeBuild project name."
}

variable "service_role_arn" {
  type        = string
  description = "CodeBuild service role."
}

variable "artifacts_bucket" {
  type        = string
  description = "Bucket for the npm cache."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key for build artifacts."
}

variable "compute_type" {
  type        = string
  description = "CodeBuild compute type (tests start Postgres, Redis and ClickHouse in-process)."
  default     = "BUILD_GENERAL1_MEDIUM"
}

variable "build_timeout_minutes" {
  type        = number
  description = "Build timeout."
  default     = 45
}
