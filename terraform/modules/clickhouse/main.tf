# ClickHouse for log rows. Either an external endpoint (e.g. ClickHouse Cloud: set external_url)
# or self-managed EC2: `shard_count` shards of `replicas_per_shard` replicas each
# (ReplicatedMergeTree) coordinated by a three-node ClickHouse Keeper ensemble, data on encrypted
# gp3 EBS, reached through an internal NLB so the app has one URL and a dead replica drops out of
# rotation. The schema is the one `mylog migrate --print --cluster <cluster_name>` prints
# (clickhouse/golden/cluster/): local Replicated tables on every node, Distributed tables over them;
# each node's macros ({shard}, {replica}) fill the replication paths of that DDL.

locals {
  # Whether a URL was given is not secret; the URL itself is.
  self_managed = nonsensitive(var.external_url == "")
  server_count = local.self_managed ? var.shard_count * var.replicas_per_shard : 0
  keeper_count = local.self_managed ? 3 : 0
  # Fixed private IPs: Keeper's raft peer list and the replicas' cluster definition must name
  # every node before any of them exists; an address inside each subnet makes that possible
  # without a cycle through the instances' own attributes.
  subnet_count = length(var.subnet_ids)
  keeper_ips = [
    for i in range(local.keeper_count) :
    cidrhost(data.aws_subnet.selected[i % local.subnet_count].cidr_block, 20 + i)
  ]
  # Server i is replica (i % replicas_per_shard) of shard (i / replicas_per_shard); the replicas of
  # one shard sit in different subnets (AZs), so losing an AZ leaves every shard a replica.
  servers = [
    for i in range(local.server_count) : {
      shard   = floor(i / var.replicas_per_shard) + 1
      replica = i % var.replicas_per_shard + 1
      subnet  = i % var.replicas_per_shard % local.subnet_count
      ip = cidrhost(
        data.aws_subnet.selected[i % var.replicas_per_shard % local.subnet_count].cidr_block,
        10 + i,
      )
    }
  ]
  # remote_servers: one list of replica IPs per shard, in shard order.
  shard_ips = [
    for s in range(local.self_managed ? var.shard_count : 0) :
    [for server in local.servers : server.ip if server.shard == s + 1]
  ]
}

data "aws_ssm_parameter" "al2023" {
  name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
}

data "aws_subnet" "selected" {
  count = length(var.subnet_ids)
  id    = var.subnet_ids[count.index]
}

resource "aws_security_group" "clickhouse" {
  count       = local.self_managed ? 1 : 0
  name        = "${var.name}-clickhouse"
  description = "ClickHouse HTTP from the app; interserver and Keeper traffic among the nodes"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "http_from_app" {
  for_each                     = local.self_managed ? toset(var.allowed_security_group_ids) : toset([])
  security_group_id            = aws_security_group.clickhouse[0].id
  referenced_security_group_id = each.value
  from_port                    = 8123
  to_port                      = 8123
  ip_protocol                  = "tcp"
  description                  = "ClickHouse HTTP from app"
}

# The NLB has no security group of its own here: health checks and forwarded traffic arrive from
# inside the VPC, so allow 8123 from the private subnets.
resource "aws_vpc_security_group_ingress_rule" "http_from_nlb" {
  count             = local.self_managed ? length(var.subnet_ids) : 0
  security_group_id = aws_security_group.clickhouse[0].id
  cidr_ipv4         = data.aws_subnet.selected[count.index].cidr_block
  from_port         = 8123
  to_port           = 8123
  ip_protocol       = "tcp"
  description       = "ClickHouse HTTP via the internal NLB"
}

resource "aws_vpc_security_group_ingress_rule" "cluster" {
  for_each = local.self_managed ? {
    interserver = 9009
    native      = 9000
    keeper      = 9181
    raft        = 9234
  } : {}
  security_group_id            = aws_security_group.clickhouse[0].id
  referenced_security_group_id = aws_security_group.clickhouse[0].id
  from_port                    = each.value
  to_port                      = each.value
  ip_protocol                  = "tcp"
  description                  = "cluster ${each.key}"
}

resource "aws_vpc_security_group_egress_rule" "all" {
  count             = local.self_managed ? 1 : 0
  security_group_id = aws_security_group.clickhouse[0].id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
  description       = "Packages and AWS APIs"
}

resource "aws_instance" "keeper" {
  count                  = local.keeper_count
  ami                    = data.aws_ssm_parameter.al2023.value
  instance_type          = var.keeper_instance_type
  subnet_id              = var.subnet_ids[count.index % local.subnet_count]
  private_ip             = local.keeper_ips[count.index]
  vpc_security_group_ids = [aws_security_group.clickhouse[0].id]
  user_data = templatefile("${path.module}/templates/keeper.sh.tftpl", {
    server_id  = count.index + 1
    keeper_ips = local.keeper_ips
  })

  metadata_options {
    http_tokens = "required"
  }

  root_block_device {
    volume_type = "gp3"
    volume_size = 30
    encrypted   = true
    kms_key_id  = var.kms_key_arn
  }

  tags = { Name = "${var.name}-keeper-${count.index + 1}", role = "clickhouse-keeper" }

  lifecycle {
    ignore_changes = [ami]
  }
}

resource "aws_instance" "server" {
  count                   = local.server_count
  ami                     = data.aws_ssm_parameter.al2023.value
  instance_type           = var.instance_type
  subnet_id               = var.subnet_ids[local.servers[count.index].subnet]
  private_ip              = local.servers[count.index].ip
  vpc_security_group_ids  = [aws_security_group.clickhouse[0].id]
  disable_api_termination = var.deletion_protection
  user_data = templatefile("${path.module}/templates/server.sh.tftpl", {
    cluster       = var.cluster_name
    shard         = local.servers[count.index].shard
    replica       = local.servers[count.index].replica
    keeper_hosts  = local.keeper_ips
    shards        = local.shard_ips
    password_hash = sha256(var.password)
  })

  metadata_options {
    http_tokens = "required"
  }

  root_block_device {
    volume_type = "gp3"
    volume_size = 30
    encrypted   = true
    kms_key_id  = var.kms_key_arn
  }

  tags = {
    Name    = "${var.name}-ch-s${local.servers[count.index].shard}-r${local.servers[count.index].replica}"
    role    = "clickhouse"
    shard   = tostring(local.servers[count.index].shard)
    replica = tostring(local.servers[count.index].replica)
  }

  lifecycle {
    ignore_changes = [ami, user_data]
  }
}

resource "aws_ebs_volume" "data" {
  count             = local.server_count
  availability_zone = aws_instance.server[count.index].availability_zone
  size              = var.volume_gb
  type              = "gp3"
  throughput        = 250
  iops              = 6000
  encrypted         = true
  kms_key_id        = var.kms_key_arn
  tags              = { Name = "${var.name}-ch-s${local.servers[count.index].shard}-r${local.servers[count.index].replica}-data" }
}

resource "aws_volume_attachment" "data" {
  count       = local.server_count
  device_name = "/dev/sdf"
  volume_id   = aws_ebs_volume.data[count.index].id
  instance_id = aws_instance.server[count.index].id
}

resource "aws_lb" "clickhouse" {
  count              = local.self_managed ? 1 : 0
  name               = "${var.name}-ch"
  load_balancer_type = "network"
  internal           = true
  subnets            = var.subnet_ids
}

resource "aws_lb_target_group" "clickhouse" {
  count    = local.self_managed ? 1 : 0
  name     = "${var.name}-ch"
  port     = 8123
  protocol = "TCP"
  vpc_id   = var.vpc_id

  health_check {
    protocol = "HTTP"
    path     = "/ping"
    port     = "8123"
  }
}

resource "aws_lb_target_group_attachment" "clickhouse" {
  count            = local.server_count
  target_group_arn = aws_lb_target_group.clickhouse[0].arn
  target_id        = aws_instance.server[count.index].id
  port             = 8123
}

resource "aws_lb_listener" "clickhouse" {
  count             = local.self_managed ? 1 : 0
  load_balancer_arn = aws_lb.clickhouse[0].arn
  port              = 8123
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.clickhouse[0].arn
  }
}
