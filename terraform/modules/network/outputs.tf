output "vpc_id" {
  description = "VPC id."
  value       = aws_vpc.this.id
}

output "public_subnet_ids" {
  description = "Public subnets, one per AZ (ALB, NAT)."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "Private subnets, one per AZ (instances, RDS, ElastiCache, ClickHouse)."
  value       = aws_subnet.private[*].id
}

output "azs" {
  description = "The three availability zones in use."
  value       = local.azs
}
