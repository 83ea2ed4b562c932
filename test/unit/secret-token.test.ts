import t from 'tap';
import {
  displayPrefix,
  generateSecret,
  hasValidShape,
  hashSecret,
} from '../../src/infra/secret-token.ts';

t.test('generated secrets are recognisable and self-checking', async (t) => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i += 1) {
    const key = generateSecret('mlk');
    t.match(key, /^mlk_[0-9A-Za-z]{38}$/);
    t.ok(hasValidShape(key, 'mlk'));
    t.notOk(hasValidShape(key, 'mlt'), 'a key is not a token');
    seen.add(key);
  }
  t.equal(seen.size, 200);
});

t.test('a mistyped or truncated secret fails the checksum', async (t) => {
  const key = generateSecret('mlt');
  const last = key.at(-1) === 'a' ? 'b' : 'a';
  t.notOk(hasValidShape(key.slice(0, -1) + last, 'mlt'));
  t.notOk(hasValidShape(key.slice(0, -1), 'mlt'));
  const body = key.split('');
  body[10] = body[10] === 'Z' ? 'Y' : 'Z';
  t.notOk(hasValidShape(body.join(''), 'mlt'));
  t.notOk(hasValidShape(`${key}x`, 'mlt'));
});

t.test('only hashes and short prefixes are derived for storage and display', async (t) => {
  const key = generateSecret('mlk');
  t.match(hashSecret(key), /^[0-9a-f]{64}$/);
  t.equal(displayPrefix(key), key.slice(0, 12));
  t.notOk(hashSecret(key).includes(key.slice(4, 12)));
});
