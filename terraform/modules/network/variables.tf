variable "name" {
  type        = string
  description = "Name prefix for every resource."
}

variable "cidr" {
  type        = string
  description = "VPC CIDR (a /16 or /18 leaves room for the six /20 subnets)."
}

variable "single_nat_gateway" {
  type        = bool
  description = "One NAT gateway for all private subnets instead of one per AZ."
}
