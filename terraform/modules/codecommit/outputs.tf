output "clone_url_http" {
  description = "HTTPS clone URL."
  value       = aws_codecommit_repository.this.clone_url_http
}

output "repository_arn" {
  description = "Repository ARN."
  value       = aws_codecommit_repository.this.arn
}

output "pipeline_name" {
  description = "CodePipeline name."
  value       = aws_codepipeline.this.name
}
