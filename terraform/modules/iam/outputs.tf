output "instance_profile_name" {
  description = "Instance profile for the app instances."
  value       = aws_iam_instance_profile.instance.name
}

output "instance_role_arn" {
  description = "Role of the app instances."
  value       = aws_iam_role.this["instance"].arn
}

output "codedeploy_role_arn" {
  description = "CodeDeploy service role."
  value       = aws_iam_role.this["codedeploy"].arn
}

output "codebuild_role_arn" {
  description = "CodeBuild service role."
  value       = aws_iam_role.this["codebuild"].arn
}

output "codepipeline_role_arn" {
  description = "CodePipeline service role."
  value       = aws_iam_role.this["pipeline"].arn
}

output "events_role_arn" {
  description = "Role EventBridge assumes to start the pipeline."
  value       = aws_iam_role.this["events"].arn
}
