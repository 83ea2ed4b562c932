output "artifacts_bucket" {
  description = "Artifacts bucket name."
  value       = aws_s3_bucket.artifacts.bucket
}

output "artifacts_bucket_arn" {
  description = "Artifacts bucket ARN."
  value       = aws_s3_bucket.artifacts.arn
}

output "alb_logs_bucket" {
  description = "ALB access-log bucket name."
  value       = aws_s3_bucket.alb_logs.bucket
}
