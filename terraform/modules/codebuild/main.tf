# Runs buildspec.yml: the quality gates and the CodeDeploy revision. Driven by CodePipeline.

resource "aws_cloudwatch_log_group" "build" {
  name              = "/aws/codebuild/${var.project_name}"
  retention_in_days = 90
}

resource "aws_codebuild_project" "this" {
  name           = var.project_name
  description    = "MyLog quality gates and CodeDeploy revision"
  service_role   = var.service_role_arn
  build_timeout  = var.build_timeout_minutes
  queued_timeout = 60
  encryption_key = var.kms_key_arn

  source {
    type      = "CODEPIPELINE"
    buildspec = "buildspec.yml"
  }

  artifacts {
    type = "CODEPIPELINE"
  }

  environment {
    # Amazon Linux 2023 like the AMI, so native modules built here load on the instances.
    image                       = "aws/codebuild/amazonlinux-x86_64-standard:5.0"
    type                        = "LINUX_CONTAINER"
    compute_type                = var.compute_type
    image_pull_credentials_type = "CODEBUILD"
    privileged_mode             = false
  }

  cache {
    type     = "S3"
    location = "${var.artifacts_bucket}/codebuild-cache/${var.project_name}"
  }

  logs_config {
    cloudwatch_logs {
      group_name = aws_cloudwatch_log_group.build.name
    }
  }
}
