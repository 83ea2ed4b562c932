variable "name" {
  type        = string
  description = "Name prefix for the buckets."
}

variable "account_id" {
  type        = string
  description = "AWS account id, appended to bucket names to keep them globally unique."
}

variable "artifact_retention_days" {
  type        = number
  description = "Days a build artifact is kept (older revisions cannot be redeployed after this)."
  default     = 180
}

variable "alb_log_retention_days" {
  type        = number
  description = "Days ALB access logs are kept."
  default     = 90
}
