// logproto.PushRequest as Promtail and Alloy encode it (grafana/loki pkg/push/push.proto), written
// apart from the decoder's own schema so that a wrong field number there fails the tests.
import protobuf from 'protobufjs';

export const PushRequest = protobuf.Root.fromJSON({
  nested: {
    PushRequest: { fields: { streams: { rule: 'repeated', type: 'Stream', id: 1 } } },
    Stream: {
      fields: {
        labels: { type: 'string', id: 1 },
        entries: { rule: 'repeated', type: 'Entry', id: 2 },
      },
    },
    Entry: {
      fields: {
        timestamp: { type: 'Timestamp', id: 1 },
        line: { type: 'string', id: 2 },
        structuredMetadata: { rule: 'repeated', type: 'Pair', id: 3 },
      },
    },
    Pair: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
    Timestamp: { fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } } },
  },
}).lookupType('PushRequest');
