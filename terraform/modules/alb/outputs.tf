output "dns_name" {
  description = "ALB DNS name."
  value       = aws_lb.this.dns_name
}

output "zone_id" {
  description = "ALB hosted zone id, for Route 53 aliases."
  value       = aws_lb.this.zone_id
}

output "alb_arn_suffix" {
  description = "ALB ARN suffix (CloudWatch LoadBalancer dimension)."
  value       = aws_lb.this.arn_suffix
}

output "security_group_id" {
  description = "ALB security group (the app allows its port from this group only)."
  value       = aws_security_group.alb.id
}

output "target_group_arn" {
  description = "Target group the ASG registers into."
  value       = aws_lb_target_group.app.arn
}

output "target_group_name" {
  description = "Target group name, for the CodeDeploy deployment group."
  value       = aws_lb_target_group.app.name
}

output "target_group_arn_suffix" {
  description = "Target group ARN suffix (CloudWatch TargetGroup dimension)."
  value       = aws_lb_target_group.app.arn_suffix
}

output "https_listener_arn" {
  description = "HTTPS listener ARN."
  value       = aws_lb_listener.https.arn
}
