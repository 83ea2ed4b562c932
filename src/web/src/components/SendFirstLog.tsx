// The empty state that teaches: how to send the first log to this MyLog, with the real endpoint.
import { useState } from 'react';
import { CopyButton, Tabs } from './ui.tsx';

type Tab = 'curl' | 'otlp' | 'elastic' | 'vector';

export function SendFirstLog({ appName, ingestKey }: { appName?: string; ingestKey?: string }) {
  const [tab, setTab] = useState<Tab>('curl');
  const endpoint = location.origin;
  const key = ingestKey ?? '$MYLOG_INGEST_KEY';
  const snippets: Record<Tab, { label: string; code: string; note: string }> = {
    curl: {
      label: 'curl',
      note: 'JSON object, JSON array or NDJSON. Gzip, deflate and zstd bodies are accepted.',
      code: `curl -X POST ${endpoint}/v1/logs \\
  -H "Authorization: Bearer ${key}" \\
  -H "Content-Type: application/json" \\
  -d '{"level":"info","service":"checkout","message":"Hello from ${appName ?? 'my app'}","attributes":{"order_id":"42"}}'`,
    },
    otlp: {
      label: 'OpenTelemetry',
      note: 'OTLP/HTTP logs, JSON or protobuf. Point any OpenTelemetry SDK or Collector at it.',
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
      label: 'Elasticsearch output',
      note: 'Filebeat, Logstash or Fluent Bit speaking the Elasticsearch _bulk API. The key goes in as the password.',
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
      label: 'Vector',
      note: 'Vector’s http sink, newline-delimited JSON.',
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
        label={(name) => snippets[name].label}
      />
      <p className="muted small">{current.note}</p>
      <div className="code-block">
        <CopyButton text={current.code} />
        <pre className="mono" tabIndex={0}>
          {current.code}
        </pre>
      </div>
    </div>
  );
}
