import { ConfigError } from '../../../src/common/errors';
import { Matcher } from '../../../src/components/alertmanager/matcher';

describe('Matcher', () => {
  test.each([
    ['severity="critical"', 'severity', '=', 'critical', 'severity="critical"'],
    ['severity = critical', 'severity', '=', 'critical', 'severity="critical"'],
    ['team!="db"', 'team', '!=', 'db', 'team!="db"'],
    ['service=~"api|web"', 'service', '=~', 'api|web', 'service=~"api|web"'],
    ['service !~ "canary-.*"', 'service', '!~', 'canary-.*', 'service!~"canary-.*"'],
    ['team=""', 'team', '=', '', 'team=""'],
    ['summary="say \\"hi\\", all\\\\"', 'summary', '=', 'say "hi", all\\', 'summary="say \\"hi\\", all\\\\"'],
  ])('GIVEN %s WHEN parsed THEN it reads label/operator/value and renders canonically', (text, label, op, value, canonical) => {
    const m = Matcher.parse(text);
    expect(m).toMatchObject({ label, operator: op, value });
    expect(m.toString()).toBe(canonical);
  });

  test('the factories quote and escape the value', () => {
    expect(Matcher.equal('severity', 'critical').toString()).toBe('severity="critical"');
    expect(Matcher.notEqual('team', 'a"b').toString()).toBe('team!="a\\"b"');
    expect(Matcher.regex('service', 'api|web').toString()).toBe('service=~"api|web"');
    expect(Matcher.notRegex('env', 'dev.*').toString()).toBe('env!~"dev.*"');
    expect(Matcher.oneOf('severity', ['critical', 'warning']).toString()).toBe('severity=~"critical|warning"');
    expect(Matcher.oneOf('host', ['a.b']).toString()).toBe('host=~"a\\\\.b"');
  });

  test('a parsed canonical form parses back to the same matcher', () => {
    const m = Matcher.equal('msg', 'line1\nline2 "q" \\ end');
    expect(Matcher.parse(m.toString())).toEqual(m);
  });

  test.each([
    ['', /^route\.matchers\[0\]: is empty \(got ""\)\. Fix: write one matcher per entry/],
    ['severity', /^route\.matchers\[0\]: is not a matcher \(no =, !=, =~ or !~ operator\) \(got "severity"\)\./],
    ['="x"', /: has no label name before the operator \(got "=\\"x\\""\)/],
    ['1abc="x"', /: has a label name that is not a valid Prometheus label name: .*\(got "1abc=\\"x\\""\)\. Fix: use letters, digits and underscores/],
    ['sev-erity="x"', /: has a label name that is not a valid Prometheus label name/],
    ['{severity="critical"}', /: is a braced matcher list; give one matcher per entry/],
    ['severity="critical", team="db"', /: has text after the closing double quote of its value/],
    ['severity="critical', /: has a quoted value without its closing double quote/],
    ['severity=', /: has no value; the UTF-8 matcher parser of Alertmanager 0\.27\+ requires one .*Fix: write an empty value as "", e\.g\. team=""\./],
    ['severity=crit ical', /: has an unquoted value with the reserved character/],
    ['path="a\\.b"', /: has an escape sequence the matcher parsers do not agree on \(\\\.\)/],
    ['service=~"(api"', /: has a regular expression Alertmanager rejects \(RE2\): missing closing \) at character 1 of the value/],
    ['service=~"(?!api).*"', /: has a regular expression Alertmanager rejects \(RE2\): invalid or unsupported Perl syntax at character 1 of the value \("\(\?!"\).*Fix: RE2 has no lookahead/],
  ])('GIVEN the malformed matcher %j THEN parse fails with an exact message', (text, message) => {
    expect(() => Matcher.parse(text, 'route.matchers[0]')).toThrow(ConfigError);
    expect(() => Matcher.parse(text, 'route.matchers[0]')).toThrow(message);
  });

  test('factories reject bad label names and empty oneOf', () => {
    expect(() => Matcher.equal('bad-label', 'x')).toThrow(/^Matcher\.equal: has a label name that is not a valid Prometheus label name: .*\(got "bad-label=\\"x\\""\)/);
    expect(() => Matcher.oneOf('severity', [])).toThrow(/^Matcher\.oneOf: needs at least one value \(got \[\]\)/);
  });
});
