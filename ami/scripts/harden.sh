#!/usr/bin/env bash
# Baseline hardening. Operators reach instances through SSM Session Manager, not SSH passwords.
set -euo pipefail

cat >/etc/ssh/sshd_config.d/10-mylog-hardening.conf <<'CONF'
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
PermitEmptyPasswords no
X11Forwarding no
MaxAuthTries 3
CONF
sshd -t

cat >/etc/sysctl.d/90-mylog.conf <<'CONF'
net.ipv4.conf.all.accept_redirects = 0
net.ipv4.conf.all.send_redirects = 0
net.ipv4.conf.all.rp_filter = 1
net.ipv4.tcp_syncookies = 1
net.core.somaxconn = 4096
fs.file-max = 1048576
kernel.kptr_restrict = 2
CONF

# Nothing from the build (keys, shell history, cloud-init state) may leak into the image.
rm -f /home/ec2-user/.ssh/authorized_keys /root/.bash_history /home/ec2-user/.bash_history
cloud-init clean --logs
