# Source of truth for deploys: a push to `branch` starts the pipeline through EventBridge (no
# polling), which builds with CodeBuild and deploys with CodeDeploy.

resource "aws_codecommit_repository" "this" {
  repository_name = var.repository_name
  description     = "MyLog source"
  default_branch  = var.branch
  kms_key_id      = var.kms_key_arn
}

resource "aws_codepipeline" "this" {
  name          = var.name
  role_arn      = var.pipeline_role_arn
  pipeline_type = "V2"

  artifact_store {
    type     = "S3"
    location = var.artifacts_bucket

    encryption_key {
      id   = var.kms_key_arn
      type = "KMS"
    }
  }

  stage {
    name = "Source"
    action {
      name             = "Source"
      category         = "Source"
      owner            = "AWS"
      provider         = "CodeCommit"
      version          = "1"
      output_artifacts = ["source"]
      configuration = {
        RepositoryName       = aws_codecommit_repository.this.repository_name
        BranchName           = var.branch
        PollForSourceChanges = "false"
        OutputArtifactFormat = "CODE_ZIP"
      }
    }
  }

  stage {
    name = "Build"
    action {
      name             = "GatesAndArtifact"
      category         = "Build"
      owner            = "AWS"
      provider         = "CodeBuild"
      version          = "1"
      input_artifacts  = ["source"]
      output_artifacts = ["revision"]
      configuration = {
        ProjectName = var.codebuild_project_name
      }
    }
  }

  stage {
    name = "Deploy"
    action {
      name            = "BlueGreen"
      category        = "Deploy"
      owner           = "AWS"
      provider        = "CodeDeploy"
      version         = "1"
      input_artifacts = ["revision"]
      configuration = {
        ApplicationName     = var.codedeploy_app_name
        DeploymentGroupName = var.codedeploy_group_name
      }
    }
  }
}

resource "aws_cloudwatch_event_rule" "push" {
  name        = "${var.name}-push-${var.branch}"
  description = "Start ${var.name} on a push to ${var.branch}"
  event_pattern = jsonencode({
    source      = ["aws.codecommit"]
    detail-type = ["CodeCommit Repository State Change"]
    resources   = [aws_codecommit_repository.this.arn]
    detail = {
      event         = ["referenceCreated", "referenceUpdated"]
      referenceType = ["branch"]
      referenceName = [var.branch]
    }
  })
}

resource "aws_cloudwatch_event_target" "pipeline" {
  rule     = aws_cloudwatch_event_rule.push.name
  arn      = aws_codepipeline.this.arn
  role_arn = var.events_role_arn
}
