# The app fleet. This ASG is the SEED of the blue/green cycle: each CodeDeploy deployment copies
# it (COPY_AUTO_SCALING_GROUP) into a new green ASG and deletes the blue one, so terraform owns
# the launch template and the scaling settings, and `ignore_changes` keeps it from fighting the
# sizes CodeDeploy and the scaling policies set. See docs/operations.md "Terraform and CodeDeploy".

resource "aws_security_group" "app" {
  name        = "${var.name}-app"
  description = "MyLog app instances: app port from the ALB only; egress for data services and AWS APIs"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "from_alb" {
  security_group_id            = aws_security_group.app.id
  referenced_security_group_id = var.alb_security_group_id
  from_port                    = var.app_port
  to_port                      = var.app_port
  ip_protocol                  = "tcp"
  description                  = "ALB to app"
}

resource "aws_vpc_security_group_egress_rule" "all" {
  security_group_id = aws_security_group.app.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
  description       = "Data services, AWS APIs (through NAT / endpoints)"
}

locals {
  # Only pointers and plain settings: secrets are fetched at boot by mylog-render-env.
  bootstrap = <<-EOT
    MYLOG_SECRET_ARN=${var.app_secret_arn}
    MYLOG_SSM_PREFIX=${var.ssm_prefix}
    AWS_REGION=${var.region}
    MYLOG_ENVIRONMENT=${var.environment}
    MYLOG_ROLES=${var.mylog_roles}
    PORT=${var.app_port}
    HOST=0.0.0.0
    SHUTDOWN_DEADLINE_MS=${var.shutdown_deadline_ms}
  EOT
}

resource "aws_launch_template" "app" {
  name_prefix            = "${var.name}-"
  image_id               = var.ami_id
  instance_type          = var.instance_type
  update_default_version = true
  vpc_security_group_ids = [aws_security_group.app.id]

  iam_instance_profile {
    name = var.instance_profile_name
  }

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
    instance_metadata_tags      = "enabled"
  }

  monitoring {
    enabled = true
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size           = var.root_volume_gb
      volume_type           = "gp3"
      encrypted             = true
      kms_key_id            = var.kms_key_arn
      delete_on_termination = true
    }
  }

  user_data = base64encode(<<-EOT
    #!/bin/bash
    set -euo pipefail
    install -d -m 0750 -o root -g mylog /etc/mylog
    cat >/etc/mylog/bootstrap <<'BOOT'
    ${local.bootstrap}
    BOOT
    chmod 0640 /etc/mylog/bootstrap
    systemctl restart mylog-env.service
  EOT
  )

  tag_specifications {
    resource_type = "instance"
    tags          = { Name = var.name, role = "app" }
  }
}

resource "aws_autoscaling_group" "app" {
  name                      = "${var.name}-seed"
  vpc_zone_identifier       = var.private_subnet_ids
  min_size                  = var.min_size
  max_size                  = var.max_size
  desired_capacity          = var.desired_capacity
  health_check_type         = "ELB"
  health_check_grace_period = 180
  target_group_arns         = [var.target_group_arn]
  default_instance_warmup   = 120
  termination_policies      = ["OldestLaunchTemplate", "OldestInstance"]
  enabled_metrics           = ["GroupInServiceInstances", "GroupDesiredCapacity", "GroupTotalInstances"]

  launch_template {
    id = aws_launch_template.app.id
    # $Latest so that the green ASG CodeDeploy copies picks up a new AMI without a new seed.
    version = "$Latest"
  }

  tag {
    key                 = "Name"
    value               = var.name
    propagate_at_launch = true
  }

  lifecycle {
    ignore_changes = [desired_capacity, target_group_arns, load_balancers]
  }
}

resource "aws_autoscaling_policy" "cpu" {
  name                   = "${var.name}-cpu"
  autoscaling_group_name = aws_autoscaling_group.app.name
  policy_type            = "TargetTrackingScaling"

  target_tracking_configuration {
    predefined_metric_specification {
      predefined_metric_type = "ASGAverageCPUUtilization"
    }
    target_value = var.cpu_target_percent
  }
}

resource "aws_autoscaling_policy" "requests" {
  name                   = "${var.name}-requests"
  autoscaling_group_name = aws_autoscaling_group.app.name
  policy_type            = "TargetTrackingScaling"

  target_tracking_configuration {
    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = var.request_count_label
    }
    target_value = var.requests_per_target
  }
}
