output "primary_endpoint" {
  description = "Primary endpoint address (follows failover)."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "port" {
  description = "Port."
  value       = aws_elasticache_replication_group.this.port
}

output "replication_group_id" {
  description = "Replication group id (CloudWatch dimension)."
  value       = aws_elasticache_replication_group.this.id
}
