# Golden image for MyLog instances: Amazon Linux 2023, Node 20, CodeDeploy agent, CloudWatch
# agent, the mylog user and the boot-time env renderer. The app itself is NOT baked in: CodeDeploy
# installs each revision, so one AMI serves many releases and a release never waits for a bake.

packer {
  required_version = ">= 1.9.0"
  required_plugins {
    amazon = {
      source  = "github.com/hashicorp/amazon"
      version = ">= 1.3.0"
    }
  }
}

variable "region" {
  type        = string
  description = "Region the AMI is built in (copy it elsewhere with ami_regions)."
  default     = "eu-west-1"
}

variable "ami_regions" {
  type        = list(string)
  description = "Extra regions to copy the finished AMI to."
  default     = []
}

variable "instance_type" {
  type        = string
  description = "Builder instance type; the AMI runs on any x86_64 type."
  default     = "t3.small"
}

variable "subnet_id" {
  type        = string
  description = "Subnet for the builder instance (empty: the default VPC)."
  default     = ""
}

variable "node_major" {
  type        = string
  description = "Node.js major version installed from the AL2023 repositories."
  default     = "20"
}

variable "version_tag" {
  type        = string
  description = "Free-form version recorded in the AMI name and tags (e.g. the git sha)."
  default     = "dev"
}

locals {
  timestamp = regex_replace(timestamp(), "[- TZ:]", "")
  ami_name  = "mylog-al2023-node${var.node_major}-${var.version_tag}-${local.timestamp}"
}

data "amazon-ami" "al2023" {
  region      = var.region
  owners      = ["amazon"]
  most_recent = true
  filters = {
    name                = "al2023-ami-2023.*-x86_64"
    architecture        = "x86_64"
    virtualization-type = "hvm"
    root-device-type    = "ebs"
  }
}

source "amazon-ebs" "mylog" {
  region        = var.region
  ami_regions   = var.ami_regions
  source_ami    = data.amazon-ami.al2023.id
  instance_type = var.instance_type
  subnet_id     = var.subnet_id == "" ? null : var.subnet_id
  ssh_username  = "ec2-user"
  ami_name      = local.ami_name
  # Instances launched from this AMI refuse IMDSv1 even if a launch template forgets to.
  imds_support = "v2.0"
  encrypt_boot = true

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  launch_block_device_mappings {
    device_name           = "/dev/xvda"
    volume_size           = 20
    volume_type           = "gp3"
    delete_on_termination = true
    encrypted             = true
  }

  tags = {
    Name       = local.ami_name
    app        = "mylog"
    node_major = var.node_major
    version    = var.version_tag
    base_ami   = data.amazon-ami.al2023.id
  }
}

build {
  name    = "mylog"
  sources = ["source.amazon-ebs.mylog"]

  provisioner "file" {
    source      = "${path.root}/files/"
    destination = "/tmp/mylog-ami"
  }

  provisioner "shell" {
    execute_command = "sudo -E bash '{{ .Path }}'"
    environment_vars = [
      "NODE_MAJOR=${var.node_major}",
      "AWS_REGION=${var.region}",
    ]
    scripts = [
      "${path.root}/scripts/install-packages.sh",
      "${path.root}/scripts/configure-mylog.sh",
      "${path.root}/scripts/harden.sh",
    ]
  }

  post-processor "manifest" {
    output     = "packer-manifest.json"
    strip_path = true
  }
}
