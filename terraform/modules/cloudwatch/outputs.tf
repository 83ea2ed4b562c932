output "sns_topic_arn" {
  description = "Topic for alarms and deployment events."
  value       = aws_sns_topic.alarms.arn
}

output "deployment_alarm_names" {
  description = "Alarms that stop and roll back a CodeDeploy deployment."
  value = [
    aws_cloudwatch_metric_alarm.http_5xx_rate.alarm_name,
    aws_cloudwatch_metric_alarm.p99_latency.alarm_name,
    aws_cloudwatch_metric_alarm.unhealthy_hosts.alarm_name,
  ]
}

output "dashboard_url" {
  description = "Console URL of the dashboard."
  value       = "https://console.aws.amazon.com/cloudwatch/home?region=${var.region}#dashboards:name=${aws_cloudwatch_dashboard.this.dashboard_name}"
}
