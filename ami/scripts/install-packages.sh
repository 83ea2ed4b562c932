#!/usr/bin/env bash
# Packages every MyLog instance needs: Node, the CodeDeploy agent, the CloudWatch agent, and the
# tools the hooks and the env renderer call (curl, jq, aws cli, rsyslog for the journal -> file
# bridge the CloudWatch agent tails).
set -euo pipefail

: "${NODE_MAJOR:?}" "${AWS_REGION:?}"

dnf -y -q upgrade --releasever=latest
dnf -y -q install "nodejs${NODE_MAJOR}" jq rsyslog ruby wget awscli-2 amazon-cloudwatch-agent
# AL2023 ships versioned binaries (node-20); the unit and hooks call plain `node`.
if ! command -v node >/dev/null 2>&1; then
  alternatives --install /usr/bin/node node "/usr/bin/node-${NODE_MAJOR}" 100
  alternatives --install /usr/bin/npm npm "/usr/bin/npm-${NODE_MAJOR}" 100
fi
node --version | grep -q "^v${NODE_MAJOR}\." || { echo "node is not v${NODE_MAJOR}" >&2; exit 1; }

# The CodeDeploy agent installer is region-specific and only published as this script.
installer=/tmp/codedeploy-install
wget -q -O "$installer" "https://aws-codedeploy-${AWS_REGION}.s3.${AWS_REGION}.amazonaws.com/latest/install"
chmod +x "$installer"
"$installer" auto
rm -f "$installer"
systemctl enable codedeploy-agent

systemctl enable rsyslog
dnf clean all
