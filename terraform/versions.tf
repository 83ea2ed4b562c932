terraform {
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.60, < 6.0"
    }
  }

  # Partial configuration: `terraform init -backend-config=environments/<env>.backend.hcl`, so one
  # root module serves every environment and each keeps its own state and lock.
  backend "s3" {}
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      app         = "mylog"
      environment = var.environment
      managed_by  = "terraform"
    }
  }
}
