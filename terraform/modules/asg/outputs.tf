output "autoscaling_group_name" {
  description = "Seed ASG name, handed to the CodeDeploy deployment group."
  value       = aws_autoscaling_group.app.name
}

output "security_group_id" {
  description = "App security group (data services allow it)."
  value       = aws_security_group.app.id
}

output "launch_template_id" {
  description = "Launch template id."
  value       = aws_launch_template.app.id
}
