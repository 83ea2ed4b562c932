variable "name" {
  type        = string
  description = "Name prefix; also the CodePipeline name."
}

variable "region" {
  type        = string
  description = "Region used to build resource ARNs."
}

variable "account_id" {
  type        = string
  description = "Account id used to build resource ARNs and the confused-deputy condition."
}

variable "artifacts_bucket_arn" {
  type        = string
  description = "Artifacts bucket ARN."
}

variable "app_secret_arn" {
  type        = string
  description = "The app environment secret the instances may read."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key of the environment."
}

variable "ssm_prefix" {
  type        = string
  description = "SSM path of the app's settings."
}

variable "repository_name" {
  type        = string
  description = "CodeCommit repository name."
}

variable "codebuild_project_name" {
  type        = string
  description = "CodeBuild project name."
}

variable "codedeploy_app_name" {
  type        = string
  description = "CodeDeploy application name."
}

variable "codedeploy_group_name" {
  type        = string
  description = "CodeDeploy deployment group name."
}
