# Blue/green for EC2: each deployment copies the ASG into a green fleet, installs the revision
# (appspec.yml hooks), reroutes the ALB target group to green once ValidateService passes, and
# terminates blue after a wait. Any failed hook, a manual stop, or one of the alarms firing
# during the deployment rolls back to blue, which is still registered or still running.

resource "aws_codedeploy_app" "this" {
  name             = var.app_name
  compute_platform = "Server"
}

resource "aws_codedeploy_deployment_group" "this" {
  app_name               = aws_codedeploy_app.this.name
  deployment_group_name  = var.deployment_group_name
  service_role_arn       = var.service_role_arn
  deployment_config_name = "CodeDeployDefault.AllAtOnce"
  autoscaling_groups     = [var.autoscaling_group_name]

  deployment_style {
    deployment_type   = "BLUE_GREEN"
    deployment_option = "WITH_TRAFFIC_CONTROL"
  }

  load_balancer_info {
    target_group_info {
      name = var.target_group_name
    }
  }

  blue_green_deployment_config {
    deployment_ready_option {
      action_on_timeout = "CONTINUE_DEPLOYMENT"
    }

    green_fleet_provisioning_option {
      action = "COPY_AUTO_SCALING_GROUP"
    }

    terminate_blue_instances_on_deployment_success {
      action                           = "TERMINATE"
      termination_wait_time_in_minutes = var.termination_wait_minutes
    }
  }

  auto_rollback_configuration {
    enabled = true
    events  = ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM", "DEPLOYMENT_STOP_ON_REQUEST"]
  }

  alarm_configuration {
    enabled = true
    alarms  = var.rollback_alarm_names
    # If the alarms cannot be read, stop rather than deploy blind.
    ignore_poll_alarm_failure = false
  }

  trigger_configuration {
    trigger_name       = "${var.deployment_group_name}-events"
    trigger_target_arn = var.notification_topic_arn
    trigger_events     = ["DeploymentStart", "DeploymentSuccess", "DeploymentFailure", "DeploymentRollback", "DeploymentStop"]
  }

  lifecycle {
    # CodeDeploy rewrites this to the green ASG's name after every successful deployment.
    ignore_changes = [autoscaling_groups]
  }
}
