// ExportLogsServiceResponse in the encoding of the request, so OpenTelemetry exporters accept it.
// Protobuf: field 1 partial_success { field 1 rejected_log_records int64, field 2 error_message }.

export interface OtlpPartialSuccess {
  rejectedLogRecords: number;
  errorMessage: string;
}

export function otlpJsonResponse(partial: OtlpPartialSuccess | undefined): Record<string, unknown> {
  if (!partial) return {};
  return {
    partialSuccess: {
      rejectedLogRecords: String(partial.rejectedLogRecords),
      errorMessage: partial.errorMessage,
    },
  };
}

export function otlpProtobufResponse(partial: OtlpPartialSuccess | undefined): Buffer {
  if (!partial) return Buffer.alloc(0);
  const message = Buffer.from(partial.errorMessage, 'utf8');
  const inner = Buffer.concat([
    Buffer.from([0x08]),
    varint(partial.rejectedLogRecords),
    Buffer.from([0x12]),
    varint(message.length),
    message,
  ]);
  return Buffer.concat([Buffer.from([0x0a]), varint(inner.length), inner]);
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let v = Math.max(0, Math.floor(value));
  while (v >= 0x80) {
    bytes.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}
