variable "name" {
  type        = string
  description = "Name prefix of alarms, topic and dashboard."
}

variable "environment" {
  type        = string
  description = "Value of the `environment` dimension on the app's metrics."
}

variable "region" {
  type        = string
  description = "Region of the dashboard widgets."
}

variable "alb_arn_suffix" {
  type        = string
  description = "ALB ARN suffix."
}

variable "target_group_arn_suffix" {
  type        = string
  description = "Target group ARN suffix."
}

variable "rds_instance_id" {
  type        = string
  description = "RDS instance identifier."
}

variable "redis_replication_group" {
  type        = string
  description = "ElastiCache replication group id."
}

variable "alarm_email" {
  type        = string
  description = "E-mail subscribed to the topic; empty for none."
}

variable "max_5xx_percent" {
  type        = number
  description = "5xx share of requests that alarms (and rolls a deployment back)."
  default     = 2
}

variable "p99_latency_seconds" {
  type        = number
  description = "p99 target response time that alarms (and rolls a deployment back)."
  default     = 1.5
}

variable "max_queue_depth" {
  type        = number
  description = "Waiting ingest jobs that alarm."
  default     = 500
}

variable "max_ingest_lag_seconds" {
  type        = number
  description = "Acknowledged-to-searchable lag that alarms."
  default     = 60
}
