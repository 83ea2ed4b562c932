variable "name" {
  type        = string
  description = "Name prefix (ALB names are limited to 32 characters)."
}

variable "vpc_id" {
  type        = string
  description = "VPC of the ALB and its target group."
}

variable "public_subnet_ids" {
  type        = list(string)
  description = "Public subnets in three AZs."
}

variable "certificate_arn" {
  type        = string
  description = "ACM certificate for the HTTPS listener."
}

variable "ingress_cidrs" {
  type        = list(string)
  description = "CIDRs allowed on 80/443."
}

variable "logs_bucket" {
  type        = string
  description = "S3 bucket for access logs."
}

variable "deletion_protection" {
  type        = bool
  description = "ALB deletion protection."
}

variable "app_port" {
  type        = number
  description = "Port the app listens on (PORT)."
  default     = 3000
}

variable "idle_timeout_seconds" {
  type        = number
  description = "ALB idle timeout; above the live-tail WebSocket ping interval so idle tails stay open."
  default     = 300
}

variable "deregistration_delay_seconds" {
  type        = number
  description = "Connection draining for deregistered (blue) targets."
  default     = 30
}
