variable "app_name" {
  type        = string
  description = "CodeDeploy application name."
}

variable "deployment_group_name" {
  type        = string
  description = "Deployment group name."
}

variable "service_role_arn" {
  type        = string
  description = "CodeDeploy service role."
}

variable "autoscaling_group_name" {
  type        = string
  description = "Seed ASG copied into each green fleet."
}

variable "target_group_name" {
  type        = string
  description = "ALB target group traffic is rerouted in."
}

variable "rollback_alarm_names" {
  type        = list(string)
  description = "CloudWatch alarms that stop and roll back a deployment."
}

variable "termination_wait_minutes" {
  type        = number
  description = "Minutes blue keeps running after success (the fast roll-back window)."
  validation {
    condition     = var.termination_wait_minutes >= 0 && var.termination_wait_minutes <= 2880
    error_message = "termination_wait_minutes must be 0-2880 (CodeDeploy's limit)."
  }
}

variable "notification_topic_arn" {
  type        = string
  description = "SNS topic for deployment events."
}
