output "url" {
  description = "CLICKHOUSE_URL for the app; __PASSWORD__ is substituted by the secrets module."
  value       = local.self_managed ? "http://mylog:__PASSWORD__@${aws_lb.clickhouse[0].dns_name}:8123" : var.external_url
  sensitive   = true
}

output "endpoint_host" {
  description = "Host of the ClickHouse HTTP endpoint (internal NLB, or external)."
  value       = local.self_managed ? aws_lb.clickhouse[0].dns_name : "external"
}

output "server_private_ips" {
  description = "Private IPs of the self-managed server nodes."
  value       = aws_instance.server[*].private_ip
}

output "cluster" {
  description = "CLICKHOUSE_CLUSTER for the app: the cluster name when self-managed, empty for an external URL."
  value       = local.self_managed ? var.cluster_name : ""
}

output "shards" {
  description = "Private IPs of the server nodes, one list of replicas per shard."
  value       = local.shard_ips
}
