# One role per actor, each allowed only what its step needs:
#   instance   - read its revision, its own secret and settings, ship logs/metrics, SSM sessions
#   codebuild  - read source from the pipeline bucket, write artifacts and logs, publish reports
#   codedeploy - AWS-managed policy for EC2 blue/green (it copies the ASG and its launch template)
#   pipeline   - move artifacts between stages, start the build and the deployment
#   events     - start the pipeline on a push to the deploy branch

locals {
  repo_arn       = "arn:aws:codecommit:${var.region}:${var.account_id}:${var.repository_name}"
  build_arn      = "arn:aws:codebuild:${var.region}:${var.account_id}:project/${var.codebuild_project_name}"
  deploy_app_arn = "arn:aws:codedeploy:${var.region}:${var.account_id}:application:${var.codedeploy_app_name}"
  deploy_grp_arn = "arn:aws:codedeploy:${var.region}:${var.account_id}:deploymentgroup:${var.codedeploy_app_name}/${var.codedeploy_group_name}"
  deploy_cfg_arn = "arn:aws:codedeploy:${var.region}:${var.account_id}:deploymentconfig:*"
  pipeline_arn   = "arn:aws:codepipeline:${var.region}:${var.account_id}:${var.name}"
  build_logs_arn = "arn:aws:logs:${var.region}:${var.account_id}:log-group:/aws/codebuild/${var.codebuild_project_name}*"
}

data "aws_iam_policy_document" "assume" {
  for_each = {
    instance   = "ec2.amazonaws.com"
    codebuild  = "codebuild.amazonaws.com"
    codedeploy = "codedeploy.amazonaws.com"
    pipeline   = "codepipeline.amazonaws.com"
    events     = "events.amazonaws.com"
  }
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = [each.value]
    }
    # Confused-deputy guard for the CI/CD services; EC2 does not send aws:SourceAccount.
    dynamic "condition" {
      for_each = each.key == "instance" ? [] : [var.account_id]
      content {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [condition.value]
      }
    }
  }
}

resource "aws_iam_role" "this" {
  for_each           = data.aws_iam_policy_document.assume
  name               = "${var.name}-${each.key}"
  assume_role_policy = each.value.json
}

# --- instance ---------------------------------------------------------------------------------

resource "aws_iam_instance_profile" "instance" {
  name = "${var.name}-instance"
  role = aws_iam_role.this["instance"].name
}

resource "aws_iam_role_policy_attachment" "instance_ssm" {
  role       = aws_iam_role.this["instance"].name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_role_policy_attachment" "instance_cwagent" {
  role       = aws_iam_role.this["instance"].name
  policy_arn = "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"
}

data "aws_iam_policy_document" "instance" {
  statement {
    sid       = "ReadRevisions"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = ["${var.artifacts_bucket_arn}/*"]
  }
  statement {
    sid       = "ListRevisions"
    actions   = ["s3:ListBucket"]
    resources = [var.artifacts_bucket_arn]
  }
  statement {
    sid       = "ReadOwnSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [var.app_secret_arn]
  }
  statement {
    sid       = "ReadOwnSettings"
    actions   = ["ssm:GetParametersByPath", "ssm:GetParameters"]
    resources = ["arn:aws:ssm:${var.region}:${var.account_id}:parameter${trimsuffix(var.ssm_prefix, "/")}*"]
  }
  statement {
    sid       = "DecryptOwnSecret"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${var.region}.amazonaws.com", "ssm.${var.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "instance" {
  name   = "mylog-instance"
  role   = aws_iam_role.this["instance"].id
  policy = data.aws_iam_policy_document.instance.json
}

# --- codedeploy -------------------------------------------------------------------------------

resource "aws_iam_role_policy_attachment" "codedeploy" {
  role       = aws_iam_role.this["codedeploy"].name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSCodeDeployRole"
}

# Blue/green with COPY_AUTO_SCALING_GROUP launches instances with the instance profile.
data "aws_iam_policy_document" "codedeploy_passrole" {
  statement {
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.this["instance"].arn]
  }
  statement {
    actions   = ["ec2:CreateTags", "ec2:RunInstances"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "codedeploy" {
  name   = "bluegreen-launch"
  role   = aws_iam_role.this["codedeploy"].id
  policy = data.aws_iam_policy_document.codedeploy_passrole.json
}

# --- codebuild --------------------------------------------------------------------------------

data "aws_iam_policy_document" "codebuild" {
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [local.build_logs_arn, "${local.build_logs_arn}:*"]
  }
  statement {
    sid       = "PipelineArtifacts"
    actions   = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:GetBucketLocation"]
    resources = [var.artifacts_bucket_arn, "${var.artifacts_bucket_arn}/*"]
  }
  statement {
    sid = "TestReports"
    actions = [
      "codebuild:CreateReportGroup", "codebuild:CreateReport", "codebuild:UpdateReport",
      "codebuild:BatchPutTestCases", "codebuild:BatchPutCodeCoverages",
    ]
    resources = ["arn:aws:codebuild:${var.region}:${var.account_id}:report-group/${var.codebuild_project_name}-*"]
  }
  statement {
    sid       = "ArtifactKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:DescribeKey"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "codebuild" {
  name   = "mylog-build"
  role   = aws_iam_role.this["codebuild"].id
  policy = data.aws_iam_policy_document.codebuild.json
}

# --- pipeline ---------------------------------------------------------------------------------

data "aws_iam_policy_document" "pipeline" {
  statement {
    sid = "Source"
    actions = [
      "codecommit:GetBranch", "codecommit:GetCommit", "codecommit:UploadArchive",
      "codecommit:GetUploadArchiveStatus", "codecommit:CancelUploadArchive",
    ]
    resources = [local.repo_arn]
  }
  statement {
    sid       = "Artifacts"
    actions   = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:GetBucketVersioning"]
    resources = [var.artifacts_bucket_arn, "${var.artifacts_bucket_arn}/*"]
  }
  statement {
    sid       = "Build"
    actions   = ["codebuild:StartBuild", "codebuild:BatchGetBuilds"]
    resources = [local.build_arn]
  }
  statement {
    sid = "Deploy"
    actions = [
      "codedeploy:CreateDeployment", "codedeploy:GetDeployment", "codedeploy:GetApplication",
      "codedeploy:GetApplicationRevision", "codedeploy:RegisterApplicationRevision",
      "codedeploy:GetDeploymentConfig",
    ]
    resources = [local.deploy_app_arn, local.deploy_grp_arn, local.deploy_cfg_arn]
  }
  statement {
    sid       = "ArtifactKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:DescribeKey"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "pipeline" {
  name   = "mylog-pipeline"
  role   = aws_iam_role.this["pipeline"].id
  policy = data.aws_iam_policy_document.pipeline.json
}

# --- events -----------------------------------------------------------------------------------

data "aws_iam_policy_document" "events" {
  statement {
    actions   = ["codepipeline:StartPipelineExecution"]
    resources = [local.pipeline_arn]
  }
}

resource "aws_iam_role_policy" "events" {
  name   = "start-pipeline"
  role   = aws_iam_role.this["events"].id
  policy = data.aws_iam_policy_document.events.json
}
