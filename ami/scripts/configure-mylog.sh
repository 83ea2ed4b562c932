#!/usr/bin/env bash
# The mylog account, directories, the boot-time env renderer and the log/metrics shipping config.
set -euo pipefail

src=/tmp/mylog-ami

id -u mylog >/dev/null 2>&1 ||
  useradd --system --home-dir /var/lib/mylog --shell /sbin/nologin --user-group mylog
install -d -o root -g root -m 0755 /opt/mylog /opt/mylog/releases
install -d -o mylog -g mylog -m 0750 /var/lib/mylog
install -d -o root -g mylog -m 0750 /etc/mylog
install -d -o root -g root -m 0755 /var/log/mylog

install -m 0755 "$src/mylog-render-env" /usr/local/sbin/mylog-render-env
install -m 0644 "$src/mylog-env.service" /etc/systemd/system/mylog-env.service
install -m 0644 "$src/rsyslog-mylog.conf" /etc/rsyslog.d/30-mylog.conf
install -m 0644 "$src/logrotate-mylog" /etc/logrotate.d/mylog
install -m 0644 "$src/cloudwatch-agent.json" /opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json
install -m 0644 "$src/prometheus.yml" /opt/aws/amazon-cloudwatch-agent/etc/prometheus.yml
systemctl daemon-reload
systemctl enable mylog-env.service amazon-cloudwatch-agent
