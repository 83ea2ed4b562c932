variable "name" {
  type        = string
  description = "Pipeline name and prefix."
}

variable "repository_name" {
  type        = string
  description = "CodeCommit repository name."
}

variable "branch" {
  type        = string
  description = "Branch that deploys this environment."
}

variable "artifacts_bucket" {
  type        = string
  description = "Pipeline artifact store."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key for the repository and pipeline artifacts."
}

variable "pipeline_role_arn" {
  type        = string
  description = "CodePipeline service role."
}

variable "events_role_arn" {
  type        = string
  description = "Role EventBridge uses to start the pipeline."
}

variable "codebuild_project_name" {
  type        = string
  description = "Build stage project."
}

variable "codedeploy_app_name" {
  type        = string
  description = "Deploy stage application."
}

variable "codedeploy_group_name" {
  type        = string
  description = "Deploy stage deployment group."
}
