// The empty state that teaches: how to send the first log to this MyLog, with the real endpoint.
import { useState } from 'react';
import { CopyButton, Tabs } from './ui.tsx';
import { useT } from '../i18n/I18nProvider.tsx';

type Tab = 'curl' | 'otlp' | 'elastic' | 'vector';

export function SendFirstLog({ appName, ingestKey }: { appName?: string; ingestKey?: string }) {
  const [tab, setTab] = useState<Tab>('curl');
  const t = useT();
  const endpoint = location.origin;
  const key = ingestKey ?? '$MYLOG_INGEST_KEY';
  const snippets: Record<Tab, { code: string }> = {
    curl: {
      code: `curl -X POST ${endpoint}/v1/logs \\
  -H "Authorization: Bearer ${key}" \\
  -H "Content-Type: application/json" \\
  -d '{"level":"info","service":"checkout","message":"Hello from ${appName ?? 'my app'}","attributes":{"order_id":"42"}}'`,
    },
    otlp: {
      code: `# OpenTelemetry Collector (otel-collector.yaml)
exporters:
  otlphttp/mylog:
    logs_endpoint: ${endpoint}/otlp/v1/logs
    headers:
      Authorization: "Bearer ${key}"
service:
  pipelines:
    logs:
      receivers: [otlp]
      exporters: [otlphttp/mylog]

# Or any SDK, through the environment:
OTEL_EXPORTER_OTLP_LOGS_ENDPOINT=${endpoint}/otlp/v1/logs
OTEL_EXPORTER_OTLP_LOGS_HEADERS="Authorization=Bearer ${key}"`,
    },
    elastic: {
      code: `# Filebeat (filebeat.yml)
output.elasticsearch:
  hosts: ["${endpoint}"]
  username: "mylog"
  password: "${key}"

# Fluent Bit
[OUTPUT]
    Name        es
    Match       *
    Host        ${new URL(endpoint).hostname}
    Port        ${new URL(endpoint).port || (endpoint.startsWith('https') ? 443 : 80)}
    HTTP_User   mylog
    HTTP_Passwd ${key}
    Suppress_Type_Name On`,
    },
    vector: {
      code: `[sinks.mylog]
type = "http"
inputs = ["my_logs"]
uri = "${endpoint}/v1/logs"
encoding.codec = "json"
framing.method = "newline_delimited"
auth.strategy = "bearer"
auth.token = "${key}"`,
    },
  };
  const current = snippets[tab];
  return (
    <div className="send-first-log">
      <Tabs
        tabs={Object.keys(snippets) as Tab[]}
        current={tab}
        onChange={setTab}
        label={(name) => t(`sendLog.tab.${name}`)}
      />
      <p className="muted small">{t(`sendLog.note.${tab}`)}</p>
      <div className="code-block">
        <CopyButton text={current.code} />
        <pre className="mono" tabIndex={0} translate="no">
          {current.code}
        </pre>
      </div>
    </div>
  );
}
